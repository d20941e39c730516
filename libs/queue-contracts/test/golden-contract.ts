import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** The golden messages and files of the queue contract (fixtures/README.md). */
export const FIXTURES_DIR = path.resolve(__dirname, 'fixtures');

export const GOLDEN_FILLS = {
  taskId: 'task_user-0042_01JFB3M8Q2W7X5Z9C4V6N1R0TA',
  userId: 'user-0042',
  payloadBucket: 'graphnode-payloads-test',
} as const;

export type GoldenFills = Record<keyof typeof GOLDEN_FILLS, string>;

/** Golden text with `<taskId>`, `<userId>`, `<payloadBucket>` filled; fails loudly if any placeholder is left. */
export function readGoldenText(relative: string, fills: GoldenFills = GOLDEN_FILLS): string {
  const text = readFileSync(path.join(FIXTURES_DIR, relative), 'utf8').replace(
    /<(taskId|userId|payloadBucket)>/g,
    (_, name: keyof GoldenFills) => fills[name],
  );
  const leftover = /<[A-Za-z]+>/.exec(text);
  if (leftover) throw new Error(`Unfilled placeholder ${leftover[0]} in ${relative}`);
  return text;
}

export function readGoldenJson(relative: string, fills: GoldenFills = GOLDEN_FILLS): unknown {
  return JSON.parse(readGoldenText(relative, fills));
}

/** A golden envelope as a plain object, for tests that edit it. */
export function readGoldenEnvelope(relative: string, fills: GoldenFills = GOLDEN_FILLS): GoldenEnvelope {
  return readGoldenJson(relative, fills) as GoldenEnvelope;
}

export interface GoldenEnvelope {
  taskId: string;
  taskType: string;
  payload: Record<string, unknown>;
  timestamp: string;
  [key: string]: unknown;
}

export function listGolden(folder: 'requests' | 'results' | 'files'): string[] {
  return readdirSync(path.join(FIXTURES_DIR, folder))
    .filter((name) => name.endsWith('.json'))
    .sort();
}
