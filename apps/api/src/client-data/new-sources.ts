import { HttpStatus } from '@nestjs/common';
import { type SourceImport, type SourcesRepository } from '@app/database';
import { ApiException } from '../http/api.exception';

/** How many positions a 409 lists before summing up the rest. */
const SHOWN = 20;

/** How a refusal names what was already stored: its code, its sentence, and the field of the item at a position. */
export interface StoredRefusal {
  readonly code: 'CONVERSATION_EXISTS' | 'NOTE_EXISTS';
  readonly detail: string;
  readonly field: (position: number) => string;
}

/** 409 DUPLICATE_ID naming the positions (duplicateIds' problems), when there are any. Ids are user content and never shown. */
export function refuseRepeatedIds(problems: readonly string[], detail: string): void {
  if (problems.length > 0) throw new ApiException(HttpStatus.CONFLICT, 'DUPLICATE_ID', detail, problems);
}

/**
 * Stores every row as a new source, or none: when any is already stored
 * (same user, kind and id), 409 with the refusal's code and the positions.
 * Resolves to the import time the rows share.
 */
export async function storeNewSources(
  sources: SourcesRepository,
  userId: string,
  rows: readonly (SourceImport & { folderId?: string | null })[],
  refusal: StoredRefusal,
): Promise<Date> {
  const outcome = await sources.insertNew(userId, rows);
  if (outcome.stored) return outcome.importedAt;
  const shown = outcome.conflicts.slice(0, SHOWN).map((position) => `${refusal.field(position)} is already stored`);
  const hidden = outcome.conflicts.length - shown.length;
  throw new ApiException(HttpStatus.CONFLICT, refusal.code, refusal.detail, hidden > 0 ? [...shown, `...and ${hidden} more already stored`] : shown);
}
