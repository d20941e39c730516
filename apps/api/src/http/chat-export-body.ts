import { HttpStatus } from '@nestjs/common';
import { parseConversations } from '@app/queue-contracts';
import { ApiException } from './api.exception';
import { duplicateIds } from './duplicate-ids';

/**
 * Most conversations one export may hold. A heavy ChatGPT user has a few
 * thousand; 10,000 also keeps the sources route's single upsert (5 bind
 * parameters per row) under PostgreSQL's 65,535 parameters per statement.
 */
export const MAX_CONVERSATIONS_PER_EXPORT = 10_000;

/**
 * Checks the shape of a parsed ChatGPT export (the JSON gate has already run):
 * an array, at most MAX_CONVERSATIONS_PER_EXPORT conversations, no id twice,
 * each a conversation. Returns the array as sent (not the parser's trimmed
 * copies): the AI gets the user's data.
 */
export function checkChatExport(value: unknown): readonly Record<string, unknown>[] {
  if (!Array.isArray(value)) {
    throw new ApiException(HttpStatus.BAD_REQUEST, 'NOT_AN_ARRAY', 'The request body must be a JSON array of conversations (a ChatGPT export)');
  }
  if (value.length > MAX_CONVERSATIONS_PER_EXPORT) {
    throw new ApiException(
      HttpStatus.BAD_REQUEST,
      'TOO_MANY_CONVERSATIONS',
      `The export holds ${value.length} conversations; at most ${MAX_CONVERSATIONS_PER_EXPORT} are accepted per request (send it in parts)`,
    );
  }
  const repeated = duplicateIds(value);
  if (repeated.length > 0) {
    throw new ApiException(HttpStatus.BAD_REQUEST, 'DUPLICATE_ID', 'Two or more conversations of the export have the same id', repeated);
  }
  const parsed = parseConversations(value);
  if (!parsed.ok) {
    throw new ApiException(HttpStatus.BAD_REQUEST, 'INVALID_CONVERSATIONS', 'The request body is not a ChatGPT export of conversations', parsed.problems);
  }
  return value as Record<string, unknown>[];
}
