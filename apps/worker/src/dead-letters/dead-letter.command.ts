import type { DeadLetterEntry, DeadLetterService } from './dead-letter.service';

export const USAGE = 'usage: dead-letters list [--max N] | redrive <messageId...> | redrive --all';
const DEFAULT_LIST_MAX = 100;

/** Runs one CLI command against the service; returns the process exit code (2: bad usage). */
export async function runDeadLetterCommand(args: readonly string[], service: DeadLetterService, write: (line: string) => void): Promise<number> {
  const [command, ...rest] = args;
  if (command === 'list') {
    const max = parseMax(rest);
    if (max === undefined) return usage(write);
    const entries = await service.list(max);
    entries.forEach((entry) => write(formatEntry(entry)));
    write(`${entries.length} dead letter(s)`);
    return 0;
  }
  if (command === 'redrive') {
    const all = rest.length === 1 && rest[0] === '--all';
    if (rest.length === 0 || (!all && rest.some((id) => id.startsWith('--')))) return usage(write);
    const result = await service.redrive(all ? 'all' : rest);
    result.moved.forEach((id) => write(`moved ${id}`));
    result.unknown.forEach((id) => write(`not found: ${id}`));
    write(`${result.moved.length} moved to ${service.sourceQueueUrl}`);
    return result.unknown.length > 0 ? 1 : 0;
  }
  return usage(write);
}

/** One tab-separated line: message id, taskId, taskType, deadLetteredAt, reason (last: it may hold spaces). */
export function formatEntry(entry: DeadLetterEntry): string {
  return [entry.messageId, entry.taskId ?? '-', entry.taskType ?? '-', entry.deadLetteredAt ?? '-', entry.reason ?? '-'].join('\t');
}

function parseMax(rest: readonly string[]): number | undefined {
  if (rest.length === 0) return DEFAULT_LIST_MAX;
  if (rest.length !== 2 || rest[0] !== '--max' || !/^[1-9]\d*$/.test(rest[1] ?? '')) return undefined;
  return Number(rest[1]);
}

function usage(write: (line: string) => void): number {
  write(USAGE);
  return 2;
}
