import { Injectable } from '@nestjs/common';
import { type SourceImport, SourcesRepository } from '@app/database';
import { monotonicFactory } from 'ulid';
import { duplicateIds } from '../http/duplicate-ids';
import { type ClientConversation, type ClientMessage, toChatExport } from './chat-export.mapper';
import { type BulkConversationDto } from './conversation-bulk-create.dto';
import { type ConversationCreateDto } from './conversation-create.dto';
import { type ConversationView, toConversationView } from './conversation.view';
import { conversationTitle, hasText } from './derived-titles';
import { type MessageCreateDto } from './message-create.dto';
import { refuseRepeatedIds, storeNewSources, type StoredRefusal } from './new-sources';

/** Repeated ids a 409 lists at most. */
const SHOWN = 20;

/** Message ids made here sort in message order. */
const nextMessageId = monotonicFactory();

const exists = (field: StoredRefusal['field'], detail: string): StoredRefusal => ({ code: 'CONVERSATION_EXISTS', detail, field });

/**
 * The web client's conversations, stored as sources in the ChatGPT export
 * shape (so graph generation and add-node read them like an imported export).
 * Insert only: an id the user already has, or one given twice, is a 409 and
 * nothing of the request is stored.
 */
@Injectable()
export class ConversationsService {
  constructor(private readonly sources: SourcesRepository) {}

  /** The conversation with every message, attachments included. */
  async create(userId: string, dto: ConversationCreateDto): Promise<ConversationView> {
    refuseRepeatedIds(duplicateIds(dto.messages ?? [], 'messages'), 'Two or more messages of the conversation have the same id');
    const conversation: ClientConversation = { id: dto.id, title: dto.title, messages: (dto.messages ?? []).map(settleMessage) };
    const importedAt = await storeNewSources(this.sources, userId, [rowOf(conversation)], exists(() => 'id', 'A conversation with this id is already stored'));
    return toConversationView(conversation, importedAt, true);
  }

  /** Blank titles are made from the first message, whitespace-only messages are skipped; answered without messages (as the SDK's server). */
  async createMany(userId: string, dtos: readonly BulkConversationDto[]): Promise<ConversationView[]> {
    refuseRepeatedIds(repeatedIds(dtos), 'Two or more conversations of the request, or messages of one conversation, have the same id');
    const conversations = dtos.map((dto): ClientConversation => {
      const messages = (dto.messages ?? []).filter((message) => hasText(message.content)).map(settleMessage);
      return { id: dto.id, title: conversationTitle(dto.title, messages[0]?.content), messages };
    });
    const refusal = exists((position) => `conversations[${position}].id`, 'One or more conversations of the request are already stored');
    const importedAt = await storeNewSources(this.sources, userId, conversations.map(rowOf), refusal);
    return conversations.map((conversation) => toConversationView(conversation, importedAt, false));
  }
}

function repeatedIds(dtos: readonly BulkConversationDto[]): string[] {
  const problems = [
    ...duplicateIds(dtos, 'conversations'),
    ...dtos.flatMap((dto, index) => duplicateIds(dto.messages ?? [], `conversations[${index}].messages`)),
  ];
  return problems.length > SHOWN ? [...problems.slice(0, SHOWN), '...and more repeated ids'] : problems;
}

function settleMessage(dto: MessageCreateDto): ClientMessage {
  const attachments = dto.attachments?.map(({ id, type, url, name, mimeType, size }) => ({ id, type, url, name, mimeType, size }));
  return { id: dto.id ?? nextMessageId(), role: dto.role, content: dto.content, ...(attachments ? { attachments } : {}) };
}

function rowOf(conversation: ClientConversation): SourceImport {
  return { kind: 'conversation', id: conversation.id, title: conversation.title, content: toChatExport(conversation, Date.now() / 1000) };
}
