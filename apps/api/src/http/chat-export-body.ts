import { HttpStatus } from '@nestjs/common';
import { parseConversations } from '@app/queue-contracts';
import { ApiException } from './api.exception';

/**
 * Parses an uploaded ChatGPT export and checks its shape. Returns the array as
 * sent (not the parser's trimmed copies): the AI gets the user's bytes.
 */
export function parseChatExport(body: Buffer): readonly Record<string, unknown>[] {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ApiException(HttpStatus.BAD_REQUEST, 'INVALID_JSON', 'The request body is not valid JSON');
  }
  if (!Array.isArray(value)) {
    throw new ApiException(HttpStatus.BAD_REQUEST, 'NOT_AN_ARRAY', 'The request body must be a JSON array of conversations (a ChatGPT export)');
  }
  const parsed = parseConversations(value);
  if (!parsed.ok) {
    throw new ApiException(HttpStatus.BAD_REQUEST, 'INVALID_CONVERSATIONS', 'The request body is not a ChatGPT export of conversations', parsed.problems);
  }
  return value as Record<string, unknown>[];
}
