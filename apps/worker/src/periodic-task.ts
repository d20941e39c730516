/**
 * What the worker's sweepers share: `run` every `intervalMs` (an unref'd
 * timer, so it never keeps the process alive), never two runs at once, and a
 * stop that ends the timer and waits for a run in flight (before the
 * database closes). `run` must not reject.
 */
export class PeriodicTask<T> {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<T> | undefined;
  private stopped = false;

  constructor(private readonly run: () => Promise<T>) {}

  /** True once stop() was called: a long run checks it between its batches. */
  get stopping(): boolean {
    return this.stopped;
  }

  start(intervalMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
  }

  /** One run unless one is already running (then that one's promise). */
  tick(): Promise<T> {
    this.inFlight ??= this.run().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }
}
