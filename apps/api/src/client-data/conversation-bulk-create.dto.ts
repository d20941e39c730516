import { HttpStatus } from '@nestjs/common';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { ApiException } from '../http/api.exception';
import { MAX_CONVERSATION_TITLE_LENGTH, MAX_CONVERSATIONS_PER_BULK, MAX_MESSAGES_PER_REQUEST } from './client-data.limits';
import { ConversationDraftDto } from './conversation-draft.dto';

/** A conversation of a bulk create: a blank or absent title is made from its first message. */
export class BulkConversationDto extends ConversationDraftDto {
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CONVERSATION_TITLE_LENGTH)
  title?: string | null;
}

/** `POST /v1/ai/conversations/bulk` (the SDK's ConversationBulkCreateDto). */
export class ConversationBulkCreateDto {
  @IsArray()
  @ArrayMaxSize(MAX_CONVERSATIONS_PER_BULK)
  @ValidateNested({ each: true })
  @Type(() => BulkConversationDto)
  conversations!: BulkConversationDto[];

  /** Before each conversation is validated: the counts, as 400 VALIDATION_FAILED naming the field and the limit. */
  static precheck(body: unknown): void {
    const conversations = (body as { conversations?: unknown } | null | undefined)?.conversations;
    if (!Array.isArray(conversations)) return;
    const problems: string[] = [];
    if (conversations.length > MAX_CONVERSATIONS_PER_BULK) {
      problems.push(`conversations holds ${conversations.length} conversations; at most ${MAX_CONVERSATIONS_PER_BULK} are accepted per request`);
    }
    const messages = conversations.reduce<number>((sum, item) => sum + messageCount(item), 0);
    if (messages > MAX_MESSAGES_PER_REQUEST) {
      problems.push(`conversations hold ${messages} messages in all; at most ${MAX_MESSAGES_PER_REQUEST} are accepted per request`);
    }
    if (problems.length > 0) throw new ApiException(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'The request is invalid', problems);
  }
}

function messageCount(conversation: unknown): number {
  const messages = (conversation as { messages?: unknown } | null | undefined)?.messages;
  return Array.isArray(messages) ? messages.length : 0;
}
