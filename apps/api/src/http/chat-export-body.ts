import { HttpStatus } from '@nestjs/common';
import { parseConversations } from '@app/queue-contracts';
import { createHash } from 'node:crypto';
import { ApiException } from './api.exception';
import { duplicateIds } from './duplicate-ids';

/**
 * Most conversations one export may hold. A heavy ChatGPT user has a few
 * thousand; 10,000 also keeps the sources route's single upsert (5 bind
 * parameters per row) under PostgreSQL's 65,535 parameters per statement.
 */
export const MAX_CONVERSATIONS_PER_EXPORT = 10_000;

/** A checked export. */
export interface ChatExport {
  /** The conversations as sent; one that came without an `id` has its derived id, as its first member. */
  readonly conversations: readonly Record<string, unknown>[];
  /** How many ids were derived; 0 means `conversations` is the parsed upload itself, unchanged. */
  readonly derivedIds: number;
}

/**
 * Checks the shape of a parsed ChatGPT export (the JSON gate has already run):
 * an array, at most MAX_CONVERSATIONS_PER_EXPORT conversations, no id twice,
 * each a conversation. A conversation without `id` (the SDK's AiInputData has
 * none) gets derivedConversationId. Conversations are kept as sent (not the
 * parser's trimmed copies): the AI gets the user's data.
 */
export function checkChatExport(value: unknown): ChatExport {
  if (!Array.isArray(value)) throw notAnArray();
  if (value.length > MAX_CONVERSATIONS_PER_EXPORT) throw tooManyConversations(value.length);
  const repeated = duplicateIds(value);
  if (repeated.length > 0) throw repeatedIds(repeated);
  const exported = withIds(value);
  // Derived ids repeat only for the same conversation sent twice (or with its derived id once and without it once).
  const repeatedDerived = exported.derivedIds > 0 ? duplicateIds(exported.conversations) : [];
  if (repeatedDerived.length > 0) throw repeatedConversations(repeatedDerived);
  const parsed = parseConversations(exported.conversations);
  if (!parsed.ok) throw invalidConversations(parsed.problems);
  return exported;
}

export const notAnArray = () =>
  new ApiException(HttpStatus.BAD_REQUEST, 'NOT_AN_ARRAY', 'The request body must be a JSON array of conversations (a ChatGPT export)');

export const tooManyConversations = (count: number) =>
  new ApiException(
    HttpStatus.BAD_REQUEST,
    'TOO_MANY_CONVERSATIONS',
    `The export holds ${count} conversations; at most ${MAX_CONVERSATIONS_PER_EXPORT} are accepted per request (send it in parts)`,
  );

export const repeatedIds = (problems: readonly string[]) =>
  new ApiException(HttpStatus.BAD_REQUEST, 'DUPLICATE_ID', 'Two or more conversations of the export have the same id', problems);

export const repeatedConversations = (problems: readonly string[]) =>
  new ApiException(HttpStatus.BAD_REQUEST, 'DUPLICATE_ID', 'The export holds the same conversation more than once', problems);

export const invalidConversations = (problems: readonly string[]) =>
  new ApiException(HttpStatus.BAD_REQUEST, 'INVALID_CONVERSATIONS', 'The request body is not a ChatGPT export of conversations', problems);

/** The conversation with a derived id as its first member when it came without one; undefined when it needs none. */
export function withDerivedId(item: unknown): Record<string, unknown> | undefined {
  if (!isObject(item) || Object.hasOwn(item, 'id')) return undefined;
  return { id: derivedConversationId(item), ...item };
}

/**
 * The id of a conversation sent without one: the same content gives the same
 * id in every upload (member order does not matter), different content a
 * different one. UUID-shaped like ChatGPT's own ids (version 8: our own
 * layout), from SHA-256 of the conversation's canonical JSON.
 */
export function derivedConversationId(conversation: Readonly<Record<string, unknown>>): string {
  const digest = createHash('sha256').update('graphnode conversation v1\n').update(canonicalJson(conversation)).digest();
  digest[6] = (digest[6] & 0x0f) | 0x80;
  digest[8] = (digest[8] & 0x3f) | 0x80;
  const hex = digest.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function withIds(items: readonly unknown[]): ChatExport {
  let derivedIds = 0;
  const conversations = items.map((item) => {
    const derived = withDerivedId(item);
    if (derived === undefined) return item as Record<string, unknown>;
    derivedIds++;
    return derived;
  });
  return { conversations: derivedIds === 0 ? (items as Record<string, unknown>[]) : conversations, derivedIds };
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** JSON with object members sorted by name, no whitespace; depth is bounded by the JSON gate. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    const members = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}
