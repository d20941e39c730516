import { ConsoleLogger } from '@nestjs/common';

/** Longest message (and stack) one log line carries; the rest is cut and counted. */
export const MAX_LOG_MESSAGE_CHARS = 4000;

/** Cuts a string message to `max` characters, saying how much was left out. */
export function boundLogText(value: unknown, max = MAX_LOG_MESSAGE_CHARS): unknown {
  if (typeof value !== 'string' || value.length <= max) return value;
  return `${value.slice(0, max)}… (${value.length - max} more characters cut)`;
}

/**
 * Nest's ConsoleLogger with every line bounded, in JSON and pretty format
 * alike: a message or stack that would run to megabytes (a whole payload in an
 * error, say) costs at most MAX_LOG_MESSAGE_CHARS characters of log.
 */
export class BoundedConsoleLogger extends ConsoleLogger {
  override log(message: unknown, ...rest: unknown[]): void {
    super.log(boundLogText(message), ...rest.map((part) => boundLogText(part)));
  }

  override error(message: unknown, ...rest: unknown[]): void {
    super.error(boundLogText(message), ...rest.map((part) => boundLogText(part)));
  }

  override warn(message: unknown, ...rest: unknown[]): void {
    super.warn(boundLogText(message), ...rest.map((part) => boundLogText(part)));
  }

  override debug(message: unknown, ...rest: unknown[]): void {
    super.debug(boundLogText(message), ...rest.map((part) => boundLogText(part)));
  }

  override verbose(message: unknown, ...rest: unknown[]): void {
    super.verbose(boundLogText(message), ...rest.map((part) => boundLogText(part)));
  }

  override fatal(message: unknown, ...rest: unknown[]): void {
    super.fatal(boundLogText(message), ...rest.map((part) => boundLogText(part)));
  }
}
