import { type ChatExportConversation, type ChatExportMessage, type ChatExportNode } from './chat-export.types';
import { childPath, ObjectReader } from './object-reader';
import { ProblemList } from './problem-list';

export type ConversationsParseResult = { ok: true; conversations: ChatExportConversation[] } | { ok: false; problems: string[] };

/**
 * Checks a ChatGPT export (`input.json`) and returns typed copies holding the
 * known fields only. Extra fields are tolerated (forward the original value to
 * the AI, not these copies). Problems read like `[3].mapping must be an object`.
 */
export function parseConversations(value: unknown): ConversationsParseResult {
  if (!Array.isArray(value)) return { ok: false, problems: ['conversations must be an array'] };
  if (value.length === 0) return { ok: false, problems: ['no conversations: the array is empty'] };
  const problems = new ProblemList();
  const conversations = value.map((item, index) => readConversation(ObjectReader.read(item, childPath('', index), problems)));
  if (!problems.isEmpty) return { ok: false, problems: problems.toArray() };
  return { ok: true, conversations: conversations.filter((item) => item !== undefined) };
}

/** Non-null messages written by the user or the assistant (system and tool messages excluded). */
export function countMessages(conversation: ChatExportConversation): number {
  return Object.values(conversation.mapping).filter((node) => {
    const role = node.message?.author.role;
    return role === 'user' || role === 'assistant';
  }).length;
}

function readConversation(reader: ObjectReader | undefined): ChatExportConversation | undefined {
  if (!reader) return undefined;
  const mapping = reader.object('mapping');
  return {
    id: reader.string('id'),
    title: reader.nullableString('title'),
    create_time: reader.nullableNumber('create_time'),
    update_time: reader.nullableNumber('update_time'),
    mapping: mapping ? readMapping(mapping) : {},
  };
}

function readMapping(mapping: ObjectReader): Record<string, ChatExportNode> {
  // fromEntries defines own properties, so a "__proto__" key cannot touch the prototype.
  return Object.fromEntries(mapping.objectEntries().map(([key, node]) => [key, readNode(node)]));
}

function readNode(node: ObjectReader): ChatExportNode {
  const message = node.has('message') ? node.object('message') : undefined;
  return {
    id: node.string('id'),
    message: message ? readMessage(message) : null,
    parent: node.nullableString('parent'),
    children: node.stringArray('children', { optional: true }),
  };
}

function readMessage(message: ObjectReader): ChatExportMessage {
  const author = message.object('author');
  const content = message.object('content');
  return {
    id: message.string('id'),
    author: { role: author?.string('role') ?? '' },
    // Some content types (code, browsing results) carry no parts; read them as empty.
    content: { content_type: content?.string('content_type') ?? '', parts: content?.array('parts', { optional: true }) ?? [] },
  };
}
