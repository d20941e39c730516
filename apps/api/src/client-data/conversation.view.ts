import { type ClientConversation, type ClientMessage, type StoredAttachment } from './chat-export.mapper';
import { type MessageRole } from './message-create.dto';

/** A message as the web client reads it (the SDK's MessageDto). */
export interface MessageView {
  readonly id: string;
  readonly role: MessageRole;
  readonly content: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deletedAt: null;
  readonly attachments?: StoredAttachment[];
}

/** A conversation as the web client reads it (the SDK's ConversationDto). */
export interface ConversationView {
  readonly id: string;
  readonly title: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deletedAt: null;
  readonly messages: MessageView[];
}

/** The created conversation; `withMessages: false` lists none, as the SDK's server answers a bulk create. */
export function toConversationView(conversation: ClientConversation, importedAt: Date, withMessages: boolean): ConversationView {
  const at = importedAt.toISOString();
  return {
    id: conversation.id,
    title: conversation.title,
    createdAt: at,
    updatedAt: at,
    deletedAt: null,
    messages: withMessages ? conversation.messages.map((message) => toMessageView(message, at)) : [],
  };
}

function toMessageView(message: ClientMessage, at: string): MessageView {
  return {
    id: message.id,
    role: message.role,
    content: message.content,
    createdAt: at,
    updatedAt: at,
    deletedAt: null,
    ...(message.attachments ? { attachments: [...message.attachments] } : {}),
  };
}
