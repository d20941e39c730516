import { HttpStatus } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { ApiException } from '../http/api.exception';

/**
 * The id the web client (SDK 0.2.29, written for several graphs per user)
 * knows the user's one graph by: stable for the user across regenerations and
 * deletes, opaque, and the same in every process (derived, never stored).
 */
export function macroIdOf(userId: string): string {
  return `graph_${createHash('sha256').update(userId).digest('base64url').slice(0, 22)}`;
}

/** 404 GRAPH_NOT_FOUND when a `macroId` is given and is not the user's graph; absent means the user's graph. */
export function assertOwnMacroId(userId: string, macroId: string | undefined): void {
  if (macroId === undefined || macroId === macroIdOf(userId)) return;
  throw new ApiException(HttpStatus.NOT_FOUND, 'GRAPH_NOT_FOUND', `No graph ${macroId}`);
}
