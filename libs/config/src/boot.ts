import { type LoggerService } from '@nestjs/common';
import { BoundedConsoleLogger } from './bounded-logger';
import { EnvironmentValidationError } from './environment-validation.error';
import { LOG_LEVELS, type RuntimeEnvironment } from './runtime.environment';

/** JSON lines in production (one object per line, for CloudWatch), colours locally; every line bounded. */
export function createLogger(runtime: Pick<RuntimeEnvironment, 'LOG_FORMAT' | 'LOG_LEVEL'>): LoggerService {
  const json = runtime.LOG_FORMAT === 'json';
  const logLevels = LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(runtime.LOG_LEVEL) + 1);
  return new BoundedConsoleLogger({ json, logLevels: [...logLevels] }); // colours unless json or NO_COLOR is set
}

/** What a start-up reports as up: a short description per component, e.g. `{ api: 'http://127.0.0.1:3000' }`. */
export type ReadyComponents = Record<string, string>;

/**
 * Runs a process's start-up; any failure ends the process with status 1. A bad
 * environment prints one message that lists every problem, nothing else. When
 * a launcher started the process with an IPC channel (scripts/local-run.mjs),
 * the components the start-up returns are sent to it as `{ ready }`, whatever
 * the log level, and the channel is closed; without a channel nothing is sent.
 */
export function bootOrExit(name: string, start: () => Promise<ReadyComponents | void>): void {
  void start().then(
    (ready) => {
      if (ready) tellLauncher(ready);
    },
    (error: unknown) => {
      if (error instanceof EnvironmentValidationError) {
        process.stderr.write(`${name}: ${error.message}\n`);
      } else {
        process.stderr.write(`${name}: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      }
      process.exit(1);
    },
  );
}

function tellLauncher(ready: ReadyComponents): void {
  if (!process.send || !process.connected) return;
  process.send({ ready }, () => {
    if (process.connected) process.disconnect();
  });
}

interface Closable {
  close(): Promise<void>;
}

/**
 * Graceful shutdown on SIGTERM (ECS) and SIGINT: stop taking work, drain, close
 * clients, then exit 0; a drain that outlives `budgetMs` exits 1 so the
 * orchestrator sees it. Nest's own shutdown hooks re-raise the signal instead,
 * which hides whether the drain finished.
 */
export function exitOnSignals(app: Closable, budgetMs: number, log: (message: string) => void): void {
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    log(`${signal} received; draining (budget ${budgetMs} ms)`);
    const timer = setTimeout(() => {
      log(`shutdown budget of ${budgetMs} ms exceeded; exiting`);
      process.exit(1);
    }, budgetMs);
    timer.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log(`shutdown failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
