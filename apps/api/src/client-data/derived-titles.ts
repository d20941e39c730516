/** Characters a derived title keeps before its `...`. */
const DERIVED_TITLE_LENGTH = 10;

export const UNTITLED_CONVERSATION = 'New Conversation';
export const UNTITLED_NOTE = 'Untitled';

const isBlank = (text: string | null | undefined): text is null | undefined | '' => text === undefined || text === null || text.trim() === '';

/** The first characters of `text` and `...`; code points, so no emoji is cut in half (a lone surrogate cannot be stored). */
function excerpt(text: string): string {
  return `${Array.from(text).slice(0, DERIVED_TITLE_LENGTH).join('')}...`;
}

/** A bulk conversation's title: as sent, else its first message's first 10 characters (whitespace folded) + `...`, else `New Conversation`. */
export function conversationTitle(title: string | null | undefined, firstMessage: string | undefined): string {
  if (!isBlank(title)) return title;
  if (isBlank(firstMessage)) return UNTITLED_CONVERSATION;
  return excerpt(firstMessage.trim().replace(/\s+/g, ' '));
}

/** A bulk note's title: as sent, else its first non-blank line cut to 10 characters + `...`, else `Untitled`. */
export function bulkNoteTitle(title: string | null | undefined, content: string): string {
  if (!isBlank(title)) return title;
  const firstLine = content.trim().split(/\r?\n/, 1)[0].trim();
  return firstLine === '' ? UNTITLED_NOTE : excerpt(firstLine);
}

/** A single note's title: as sent, else `Untitled`. */
export function noteTitle(title: string | null | undefined): string {
  return isBlank(title) ? UNTITLED_NOTE : title;
}

/** Bulk conversations skip messages that hold only whitespace. */
export const hasText = (content: string): boolean => content.trim() !== '';
