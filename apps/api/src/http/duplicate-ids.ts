/** How many duplicates a 400 lists before summing up the rest. */
const SHOWN = 20;

/**
 * Collects, item by item, problems like `[3].id repeats [0].id`: one per item
 * whose string `id` an earlier item already has. Items without a string id
 * are left to the shape check. Positions only: ids are user content.
 */
export class RepeatedIds {
  private readonly firstIndex = new Map<string, number>();
  private readonly shown: string[] = [];
  private hidden = 0;

  constructor(private readonly prefix = '') {}

  see(item: unknown, index: number): void {
    const id = item !== null && typeof item === 'object' ? (item as { id?: unknown }).id : undefined;
    if (typeof id !== 'string') return;
    const first = this.firstIndex.get(id);
    if (first === undefined) {
      this.firstIndex.set(id, index);
    } else if (this.shown.length < SHOWN) {
      this.shown.push(`${this.prefix}[${index}].id repeats ${this.prefix}[${first}].id`);
    } else {
      this.hidden++;
    }
  }

  get found(): boolean {
    return this.shown.length > 0;
  }

  problems(): string[] {
    return this.hidden > 0 ? [...this.shown, `...and ${this.hidden} more repeated ids`] : [...this.shown];
  }
}

/** The problems of RepeatedIds for a whole list; [] when every id is unique. */
export function duplicateIds(items: readonly unknown[], prefix = ''): string[] {
  const repeated = new RepeatedIds(prefix);
  items.forEach((item, index) => repeated.see(item, index));
  return repeated.problems();
}
