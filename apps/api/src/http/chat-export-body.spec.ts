import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { FIXTURES_DIR } from '../../../../libs/queue-contracts/test/golden-contract';
import { ApiException } from './api.exception';
import { checkChatExport, derivedConversationId, MAX_CONVERSATIONS_PER_EXPORT } from './chat-export-body';
import { duplicateIds } from './duplicate-ids';

const EXPORT = JSON.parse(readFileSync(path.join(FIXTURES_DIR, 'files/conversations.json'), 'utf8')) as Record<string, unknown>[];

function refusal(value: unknown): Record<string, unknown> | undefined {
  try {
    checkChatExport(value);
    return undefined;
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    return { status: error.getStatus(), code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
  }
}

describe(checkChatExport.name, () => {
  it('returns the export as sent when every conversation has an id', () => {
    const checked = checkChatExport(EXPORT);
    expect(checked.derivedIds).toBe(0);
    expect(checked.conversations).toBe(EXPORT);
  });

  describe('a conversation without id (the SDK\'s AiInputData)', () => {
    const withoutId = ({ id: _id, ...rest }: Record<string, unknown>) => rest;
    /** The same members in reverse order, all the way down. */
    const reordered = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reordered)
        : value !== null && typeof value === 'object'
          ? Object.fromEntries(Object.entries(value).reverse().map(([key, item]) => [key, reordered(item)]))
          : value;

    it('gets a derived UUID-shaped id as its first member, the rest as sent; conversations with an id are kept as they are', () => {
      const bare = withoutId(EXPORT[0]);
      const checked = checkChatExport([bare, EXPORT[1]]);
      expect(checked.derivedIds).toBe(1);
      const [filled, kept] = checked.conversations;
      expect(Object.keys(filled)).toEqual(['id', ...Object.keys(bare)]);
      expect(filled).toEqual({ ...bare, id: derivedConversationId(bare) });
      expect(filled.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(kept).toBe(EXPORT[1]);
      expect(bare).not.toHaveProperty('id');
    });

    it('derives the same id from the same content in any member order, and different ids from different content', () => {
      const bare = withoutId(EXPORT[0]);
      const again = JSON.parse(JSON.stringify(reordered(bare))) as Record<string, unknown>;
      expect(JSON.stringify(again)).not.toBe(JSON.stringify(bare));
      expect(derivedConversationId(again)).toBe(derivedConversationId(bare));
      expect(derivedConversationId({ ...bare, title: `${String(bare.title)}!` })).not.toBe(derivedConversationId(bare));
      expect(derivedConversationId(withoutId(EXPORT[1]))).not.toBe(derivedConversationId(bare));
      expect(checkChatExport([again]).conversations[0].id).toBe(checkChatExport([bare]).conversations[0].id);
    });

    it('refuses the same conversation twice, also once with its derived id and once without', () => {
      const bare = withoutId(EXPORT[0]);
      expect(refusal([bare, EXPORT[1], bare])).toEqual({ status: 400, code: 'DUPLICATE_ID', message: expect.any(String) as unknown, details: ['[2].id repeats [0].id'] });
      expect(refusal([{ id: derivedConversationId(bare), ...bare }, bare])).toMatchObject({ code: 'DUPLICATE_ID', details: ['[1].id repeats [0].id'] });
    });

    it('still refuses an id that is not a string', () => {
      expect(refusal([{ ...EXPORT[0], id: null }])).toMatchObject({ code: 'INVALID_CONVERSATIONS', details: [expect.stringMatching(/\[0\]\.id/)] });
    });
  });

  it('refuses one conversation more than the limit before looking at any of them', () => {
    const tooMany = Array.from({ length: MAX_CONVERSATIONS_PER_EXPORT + 1 }, () => 'not even an object');
    expect(refusal(tooMany)).toEqual({ status: 400, code: 'TOO_MANY_CONVERSATIONS', message: expect.stringContaining(`at most ${MAX_CONVERSATIONS_PER_EXPORT}`) as unknown });
    expect(refusal(tooMany.slice(1))).toMatchObject({ code: 'INVALID_CONVERSATIONS' });
  });

  it('refuses repeated ids by position, before the shape check', () => {
    expect(refusal([EXPORT[0], { id: EXPORT[0].id }])).toEqual({
      status: 400,
      code: 'DUPLICATE_ID',
      message: expect.any(String) as unknown,
      details: ['[1].id repeats [0].id'],
    });
  });

  it('refuses what is not an array', () => {
    expect(refusal({ conversations: EXPORT })).toMatchObject({ code: 'NOT_AN_ARRAY' });
  });
});

describe(duplicateIds.name, () => {
  it('names each repeat and the first holder of its id', () => {
    expect(duplicateIds([{ id: 'a' }, { id: 'b' }, { id: 'a' }, { id: 'b' }, { id: 'a' }], 'notes')).toEqual([
      'notes[2].id repeats notes[0].id',
      'notes[3].id repeats notes[1].id',
      'notes[4].id repeats notes[0].id',
    ]);
  });

  it('leaves items without a string id alone', () => {
    expect(duplicateIds([{}, {}, { id: 1 }, { id: 1 }, null, 'x', { id: '1' }])).toEqual([]);
  });

  it('lists the first 20 and counts the rest', () => {
    const problems = duplicateIds(Array.from({ length: 30 }, () => ({ id: 'same' })));
    expect(problems).toHaveLength(21);
    expect(problems[20]).toBe('...and 9 more repeated ids');
  });
});
