import { IsString, Matches, MaxLength } from 'class-validator';
import { MAX_CONVERSATION_TITLE_LENGTH } from './client-data.limits';
import { ConversationDraftDto } from './conversation-draft.dto';

/** `POST /v1/ai/conversations` (the SDK's ConversationCreateDto): the title is required and not blank. */
export class ConversationCreateDto extends ConversationDraftDto {
  @IsString()
  @Matches(/\S/, { message: 'title must not be empty' })
  @MaxLength(MAX_CONVERSATION_TITLE_LENGTH)
  title!: string;
}
