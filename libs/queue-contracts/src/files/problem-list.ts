/** Collects "path message" problems for a file, keeping the first few so a huge bad file stays readable. */
export class ProblemList {
  static readonly LIMIT = 20;
  private readonly shown: string[] = [];
  private hidden = 0;

  add(path: string, message: string): void {
    if (this.shown.length < ProblemList.LIMIT) this.shown.push(path === '' ? message : `${path} ${message}`);
    else this.hidden += 1;
  }

  get isEmpty(): boolean {
    return this.shown.length === 0;
  }

  toArray(): string[] {
    return this.hidden > 0 ? [...this.shown, `...and ${this.hidden} more problems`] : [...this.shown];
  }
}
