import { type SourcesRepository } from '@app/database';
import { ApiException } from '../http/api.exception';
import { type BulkConversationDto } from './conversation-bulk-create.dto';
import { type ConversationCreateDto } from './conversation-create.dto';
import { ConversationsService } from './conversations.service';

const AT = new Date('2026-01-02T03:04:05.678Z');

function serviceWith(outcome: unknown) {
  const insertNew = jest.fn().mockResolvedValue(outcome);
  return { service: new ConversationsService({ insertNew } as unknown as SourcesRepository), insertNew };
}

async function problemOf(work: Promise<unknown>): Promise<{ status: number; code: string; details: readonly string[] | undefined }> {
  const error: unknown = await work.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ApiException)) throw new Error(`expected an ApiException, got ${String(error)}`);
  return { status: error.getStatus(), code: error.code, details: error.details };
}

const bulk = (...items: Partial<BulkConversationDto>[]): BulkConversationDto[] => items.map((item, index) => ({ id: `c${index}`, ...item }));

describe(ConversationsService.name, () => {
  describe('create', () => {
    it('stores one conversation row in the export shape and gives absent message ids ULIDs', async () => {
      const { service, insertNew } = serviceWith({ stored: true, importedAt: AT });
      const dto = { id: 'c-1', title: 'Garden', messages: [{ role: 'user', content: 'Hi' }, { id: 'm2', role: 'assistant', content: 'Hello' }] };

      const view = await service.create('u1', dto as ConversationCreateDto);

      const [userId, rows] = insertNew.mock.calls[0] as [string, { kind: string; id: string; title: string; content: { mapping: object } }[]];
      expect(userId).toBe('u1');
      expect(rows).toEqual([{ kind: 'conversation', id: 'c-1', title: 'Garden', content: expect.objectContaining({ id: 'c-1', title: 'Garden' }) as unknown }]);
      expect(view.messages.map((message) => message.id)).toEqual([expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/), 'm2']);
      expect(Object.keys(rows[0].content.mapping)).toEqual(['client-created-root', view.messages[0].id, 'm2']);
      expect(view.createdAt).toBe(AT.toISOString());
    });

    it('refuses a message id given twice with 409 DUPLICATE_ID, storing nothing', async () => {
      const { service, insertNew } = serviceWith({ stored: true, importedAt: AT });
      const dto = { id: 'c-1', title: 't', messages: [{ id: 'm', role: 'user', content: 'a' }, { id: 'm', role: 'user', content: 'b' }] };

      expect(await problemOf(service.create('u1', dto as ConversationCreateDto))).toEqual({
        status: 409,
        code: 'DUPLICATE_ID',
        details: ['messages[1].id repeats messages[0].id'],
      });
      expect(insertNew).not.toHaveBeenCalled();
    });

    it('answers 409 CONVERSATION_EXISTS when the id is stored', async () => {
      const { service } = serviceWith({ stored: false, conflicts: [0] });

      expect(await problemOf(service.create('u1', { id: 'c-1', title: 't' }))).toEqual({
        status: 409,
        code: 'CONVERSATION_EXISTS',
        details: ['id is already stored'],
      });
    });
  });

  describe('createMany', () => {
    it('derives blank titles, skips whitespace-only messages and answers without messages', async () => {
      const { service, insertNew } = serviceWith({ stored: true, importedAt: AT });
      const dtos = bulk(
        { title: '', messages: [{ role: 'user', content: '  ' }, { role: 'user', content: 'Tomato seedlings' }] },
        { title: 'Kept', messages: [{ role: 'user', content: 'x' }] },
        { messages: [{ role: 'user', content: '\n' }] },
      );

      const views = await service.createMany('u1', dtos);

      expect(views.map(({ title, messages }) => ({ title, messages }))).toEqual([
        { title: 'Tomato see...', messages: [] },
        { title: 'Kept', messages: [] },
        { title: 'New Conversation', messages: [] },
      ]);
      const [, rows] = insertNew.mock.calls[0] as [string, { content: { mapping: object } }[]];
      expect(rows.map((row) => Object.keys(row.content.mapping).length)).toEqual([2, 2, 1]);
    });

    it('refuses repeated conversation ids and repeated message ids in one conversation, storing nothing', async () => {
      const { service, insertNew } = serviceWith({ stored: true, importedAt: AT });
      const dtos = [
        { id: 'a', messages: [{ id: 'm', role: 'user', content: 'x' }] },
        { id: 'b', messages: [{ id: 'm', role: 'user', content: 'x' }, { id: 'm', role: 'user', content: 'y' }] },
        { id: 'a' },
      ] as BulkConversationDto[];

      expect(await problemOf(service.createMany('u1', dtos))).toEqual({
        status: 409,
        code: 'DUPLICATE_ID',
        details: ['conversations[2].id repeats conversations[0].id', 'conversations[1].messages[1].id repeats conversations[1].messages[0].id'],
      });
      expect(insertNew).not.toHaveBeenCalled();
    });

    it('names at most 20 stored positions and sums up the rest', async () => {
      const { service } = serviceWith({ stored: false, conflicts: Array.from({ length: 25 }, (_, index) => index) });

      const { code, details } = await problemOf(service.createMany('u1', bulk(...Array.from({ length: 25 }, () => ({})))));

      expect(code).toBe('CONVERSATION_EXISTS');
      expect(details).toHaveLength(21);
      expect(details?.[0]).toBe('conversations[0].id is already stored');
      expect(details?.[20]).toBe('...and 5 more already stored');
    });
  });
});
