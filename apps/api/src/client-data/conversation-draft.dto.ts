import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, Matches, ValidateNested } from 'class-validator';
import { CLIENT_ID_MESSAGE, CLIENT_ID_PATTERN, MAX_MESSAGES_PER_REQUEST } from './client-data.limits';
import { MessageCreateDto } from './message-create.dto';

/** What a single and a bulk conversation share; each declares its own title rule. */
export abstract class ConversationDraftDto {
  @Matches(CLIENT_ID_PATTERN, { message: CLIENT_ID_MESSAGE })
  id!: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_MESSAGES_PER_REQUEST)
  @ValidateNested({ each: true })
  @Type(() => MessageCreateDto)
  messages?: MessageCreateDto[];

  abstract title?: string | null;
}
