import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** The shared contract folder: /work/shared/contract beside the repo (same relative layout in CI). */
export const CONTRACT_DIR = path.resolve(__dirname, '../../../../shared/contract');

export const GOLDEN_FILLS = {
  taskId: 'task_user-0042_01JDQ2K7M3Z8X4V6B1N9C5T0RE',
  userId: 'user-0042',
  payloadBucket: 'graphnode-payloads-test',
} as const;

export type GoldenFills = Record<keyof typeof GOLDEN_FILLS, string>;

/** Golden text with `<taskId>`, `<userId>`, `<payloadBucket>` filled; fails loudly if any placeholder is left. */
export function readGoldenText(relative: string, fills: GoldenFills = GOLDEN_FILLS): string {
  const text = readFileSync(path.join(CONTRACT_DIR, relative), 'utf8').replace(
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
  return readdirSync(path.join(CONTRACT_DIR, folder))
    .filter((name) => name.endsWith('.json'))
    .sort();
}
