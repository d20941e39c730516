import type { Logger } from '@nestjs/common';

/**
 * Runs one job and turns a processing error into the job's FAILED outcome, as
 * the real server reports failures in a result instead of dropping the request.
 * A shutdown (aborted signal) is rethrown instead: no result is sent, and the
 * request stays on the queue for the next run.
 */
export async function settleJob<T>(
  signal: AbortSignal,
  logger: Logger,
  run: () => Promise<T>,
  failed: (error: string) => T,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (signal.aborted) throw error;
    const message = error instanceof Error ? error.message : String(error);
    logger.warn(`job failed: ${message}`);
    return failed(message);
  }
}
