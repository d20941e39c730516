/** How many duplicates a 400 lists before summing up the rest. */
const SHOWN = 20;

/**
 * Problems like `[3].id repeats [0].id`, one per item whose string `id` an
 * earlier item already has; [] when every id is unique. Items without a
 * string id are left to the shape check. Positions only: ids are user content.
 */
export function duplicateIds(items: readonly unknown[], prefix = ''): string[] {
  const firstIndex = new Map<string, number>();
  const problems: string[] = [];
  let hidden = 0;
  items.forEach((item, index) => {
    const id = item !== null && typeof item === 'object' ? (item as { id?: unknown }).id : undefined;
    if (typeof id !== 'string') return;
    const first = firstIndex.get(id);
    if (first === undefined) {
      firstIndex.set(id, index);
    } else if (problems.length < SHOWN) {
      problems.push(`${prefix}[${index}].id repeats ${prefix}[${first}].id`);
    } else {
      hidden++;
    }
  });
  return hidden > 0 ? [...problems, `...and ${hidden} more repeated ids`] : problems;
}
