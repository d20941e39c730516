import { Type } from 'class-transformer';
import { IsArray, IsIn, IsOptional, IsString, Matches, MinLength, ValidateNested } from 'class-validator';
import { AttachmentDto } from './attachment.dto';
import { CLIENT_ID_MESSAGE, CLIENT_ID_PATTERN } from './client-data.limits';

export const MESSAGE_ROLES = ['user', 'assistant', 'system'] as const;
export type MessageRole = (typeof MESSAGE_ROLES)[number];

/** One message of a conversation the web client creates; other MessageDto fields (timestamps, metadata) are dropped. */
export class MessageCreateDto {
  /** A ULID is given when absent. */
  @IsOptional()
  @Matches(CLIENT_ID_PATTERN, { message: CLIENT_ID_MESSAGE })
  id?: string;

  @IsIn(MESSAGE_ROLES)
  role!: MessageRole;

  @IsString()
  @MinLength(1)
  content!: string;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => AttachmentDto)
  attachments?: AttachmentDto[];
}
