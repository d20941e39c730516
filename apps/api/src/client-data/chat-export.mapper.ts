import { type MessageRole } from './message-create.dto';

/** An attachment as stored with its message (the SDK's Attachment). */
export interface StoredAttachment {
  readonly id: string;
  readonly type: 'image' | 'file';
  readonly url: string;
  readonly name: string;
  readonly mimeType: string;
  readonly size: number;
}

/** A conversation as the web client sent it, with every id and the title settled. */
export interface ClientConversation {
  readonly id: string;
  readonly title: string;
  readonly messages: readonly ClientMessage[];
}

export interface ClientMessage {
  readonly id: string;
  readonly role: MessageRole;
  readonly content: string;
  readonly attachments?: readonly StoredAttachment[];
}

/** ChatGPT names the node above the first message like this; another name is taken if a message already has it. */
const ROOT_NODE_ID = 'client-created-root';

/**
 * The conversation in the ChatGPT export shape the sources store keeps and the
 * AI reads (`input.json`, add-node's `batch.json`): a root node without a
 * message, then one node per message in order, each the only child of the one
 * before. A message's attachments ride in its `metadata`, where exports keep
 * theirs. Message ids are the node ids, so they must be unique (checked before).
 */
export function toChatExport(conversation: ClientConversation, nowSeconds: number): Record<string, unknown> {
  const { messages } = conversation;
  const root = rootIdBeside(messages);
  const nodeIds = [root, ...messages.map((message) => message.id)];
  const rootNode = { id: root, message: null, parent: null, children: nodeIds.slice(1, 2) };
  const messageNodes = messages.map((message, index) => ({
    id: message.id,
    message: exportMessage(message),
    parent: nodeIds[index],
    children: nodeIds.slice(index + 2, index + 3),
  }));
  return {
    id: conversation.id,
    title: conversation.title,
    create_time: nowSeconds,
    update_time: nowSeconds,
    // fromEntries defines own properties, so a message id like "__proto__" is a key like any other.
    mapping: Object.fromEntries([rootNode, ...messageNodes].map((node) => [node.id, node])),
  };
}

function exportMessage(message: ClientMessage): Record<string, unknown> {
  return {
    id: message.id,
    author: { role: message.role },
    content: { content_type: 'text', parts: [message.content] },
    ...(message.attachments ? { metadata: { attachments: message.attachments } } : {}),
  };
}

function rootIdBeside(messages: readonly ClientMessage[]): string {
  const taken = new Set(messages.map((message) => message.id));
  let root = ROOT_NODE_ID;
  while (taken.has(root)) root += '_';
  return root;
}
