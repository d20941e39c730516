import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const REPO_ROOT = resolve(__dirname, '../..');

/** A compiled app started as a real child process, its output kept for failure reports. */
export class NodeProcess {
  readonly output: string[] = [];
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;

  /** `env` goes over the defaults below; a variable set to undefined is left out. */
  constructor(
    readonly name: string,
    entry: string,
    env: Record<string, string | undefined>,
  ) {
    this.child = spawn(process.execPath, [resolve(REPO_ROOT, entry)], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_FORMAT: 'json', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        if (line) this.output.push(line);
      });
    }
    this.exited = new Promise((done) => this.child.once('exit', (code) => done(code)));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves once `url` answers 200; rejects if the process dies or the time runs out. */
  async waitForHttp(url: string, timeoutMs = 30000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited early:\n${this.tail()}`);
      const ok = await fetch(url).then((response) => response.ok, () => false);
      if (ok) return;
      await new Promise((done) => setTimeout(done, 200));
    }
    throw new Error(`${this.name} not ready at ${url} after ${timeoutMs} ms:\n${this.tail()}`);
  }

  /** Resolves once a line of output matches. */
  async waitForOutput(pattern: RegExp, timeoutMs = 30000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.output.some((line) => pattern.test(line))) return;
      if (!this.running) throw new Error(`${this.name} exited early:\n${this.tail()}`);
      await new Promise((done) => setTimeout(done, 100));
    }
    throw new Error(`${this.name}: no output matching ${String(pattern)} after ${timeoutMs} ms:\n${this.tail()}`);
  }

  /** SIGTERM (or `signal`), then the exit code (SIGKILL after the grace period). */
  async stop(graceMs = 15000, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (!this.running) return this.exited;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  tail(lines = 40): string {
    return this.output.slice(-lines).join('\n');
  }
}
