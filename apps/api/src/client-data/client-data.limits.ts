/**
 * Limits of the web client's data routes. The JSON gate's 1 MiB body limit
 * (413 beyond) comes first, so the counts below are reached only by tiny items.
 */

/** Most conversations one `POST /v1/ai/conversations/bulk` may create (the SDK's server allows as many). */
export const MAX_CONVERSATIONS_PER_BULK = 500;

/** Most messages one request may carry, over all its conversations (as the SDK's server). */
export const MAX_MESSAGES_PER_REQUEST = 50_000;

/** Most notes one `POST /v1/notes/bulk` may create (as `POST /v1/sources/notes`). */
export const MAX_NOTES_PER_BULK = 1000;

/** Longest conversation title (the SDK's schema). */
export const MAX_CONVERSATION_TITLE_LENGTH = 200;

/** Longest note title (as `POST /v1/sources/notes`). */
export const MAX_NOTE_TITLE_LENGTH = 500;

/**
 * Conversation, message and note ids: the same characters as the notes import,
 * since they share one sources store and end up in graph node ids. A UUID or a
 * ULID, what the web client generates, fits.
 */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

export const CLIENT_ID_MESSAGE = '$property may only contain letters, digits and _ . : - (1 to 128 characters)';
