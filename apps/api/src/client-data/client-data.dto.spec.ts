import { type ArgumentMetadata } from '@nestjs/common';
import { ApiException } from '../http/api.exception';
import { createValidationPipe } from '../http/validation.pipe';
import { MAX_CONVERSATIONS_PER_BULK, MAX_MESSAGES_PER_REQUEST, MAX_NOTES_PER_BULK } from './client-data.limits';
import { ConversationBulkCreateDto } from './conversation-bulk-create.dto';
import { ConversationCreateDto } from './conversation-create.dto';
import { NoteBulkCreateDto } from './note-bulk-create.dto';

/*
 * The global ValidationPipe on each body DTO, as the api runs it. The message
 * limit cannot be reached over HTTP (50,001 messages take more than the JSON
 * gate's 1 MiB), so it is checked here.
 */
const pipe = createValidationPipe();
const body = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'body', metatype });

async function refusal(value: unknown, metatype: ArgumentMetadata['metatype']): Promise<{ code: string; status: number; errors: readonly string[] }> {
  try {
    await pipe.transform(value, body(metatype));
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    return { code: error.code, status: error.getStatus(), errors: error.details ?? [] };
  }
  throw new Error('the body was accepted');
}

const messages = (count: number) => Array.from({ length: count }, () => ({ role: 'user', content: 'x' }));

describe(ConversationBulkCreateDto.name, () => {
  it(`accepts ${MAX_MESSAGES_PER_REQUEST} messages in all`, async () => {
    const value = { conversations: [{ id: 'a', messages: messages(MAX_MESSAGES_PER_REQUEST - 1) }, { id: 'b', messages: messages(1) }] };

    const dto = (await pipe.transform(value, body(ConversationBulkCreateDto))) as ConversationBulkCreateDto;

    expect(dto.conversations.map((conversation) => conversation.messages?.length)).toEqual([MAX_MESSAGES_PER_REQUEST - 1, 1]);
  });

  it(`refuses ${MAX_MESSAGES_PER_REQUEST + 1} messages in all with 400 VALIDATION_FAILED naming the limit`, async () => {
    const value = { conversations: [{ id: 'a', messages: messages(MAX_MESSAGES_PER_REQUEST) }, { id: 'b', messages: messages(1) }] };

    expect(await refusal(value, ConversationBulkCreateDto)).toEqual({
      code: 'VALIDATION_FAILED',
      status: 400,
      errors: [`conversations hold ${MAX_MESSAGES_PER_REQUEST + 1} messages in all; at most ${MAX_MESSAGES_PER_REQUEST} are accepted per request`],
    });
  });

  it(`refuses ${MAX_CONVERSATIONS_PER_BULK + 1} conversations`, async () => {
    const value = { conversations: Array.from({ length: MAX_CONVERSATIONS_PER_BULK + 1 }, (_, index) => ({ id: `c${index}` })) };

    expect(await refusal(value, ConversationBulkCreateDto)).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [`conversations holds ${MAX_CONVERSATIONS_PER_BULK + 1} conversations; at most ${MAX_CONVERSATIONS_PER_BULK} are accepted per request`],
    });
  });

  it('leaves a body without a conversations array to the field checks', async () => {
    const { code, errors } = await refusal({ conversations: 'many' }, ConversationBulkCreateDto);

    expect(code).toBe('VALIDATION_FAILED');
    expect(errors).toContain('conversations must be an array');
  });
});

describe(ConversationCreateDto.name, () => {
  it(`refuses more than ${MAX_MESSAGES_PER_REQUEST} messages`, async () => {
    const { errors } = await refusal({ id: 'a', title: 't', messages: messages(MAX_MESSAGES_PER_REQUEST + 1) }, ConversationCreateDto);

    expect(errors).toEqual([`messages must contain no more than ${MAX_MESSAGES_PER_REQUEST} elements`]);
  });

  it('strips fields the SDK sends but the server does not keep', async () => {
    const value = { id: 'a', title: 't', score: 3, messages: [{ role: 'user', content: 'x', createdAt: '2020-01-01T00:00:00Z', metadata: { a: 1 } }] };

    const dto = (await pipe.transform(value, body(ConversationCreateDto))) as ConversationCreateDto;

    expect(JSON.parse(JSON.stringify(dto))).toEqual({ id: 'a', title: 't', messages: [{ role: 'user', content: 'x' }] });
  });
});

describe(NoteBulkCreateDto.name, () => {
  const notes = (count: number) => Array.from({ length: count }, () => ({ content: '' }));

  it(`accepts ${MAX_NOTES_PER_BULK} notes and refuses ${MAX_NOTES_PER_BULK + 1}`, async () => {
    const dto = (await pipe.transform({ notes: notes(MAX_NOTES_PER_BULK) }, body(NoteBulkCreateDto))) as NoteBulkCreateDto;

    expect(dto.notes).toHaveLength(MAX_NOTES_PER_BULK);
    expect(await refusal({ notes: notes(MAX_NOTES_PER_BULK + 1) }, NoteBulkCreateDto)).toEqual({
      code: 'VALIDATION_FAILED',
      status: 400,
      errors: [`notes holds ${MAX_NOTES_PER_BULK + 1} notes; at most ${MAX_NOTES_PER_BULK} are accepted per request`],
    });
  });
});
