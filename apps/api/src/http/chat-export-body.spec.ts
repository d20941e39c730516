import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { FIXTURES_DIR } from '../../../../libs/queue-contracts/test/golden-contract';
import { ApiException } from './api.exception';
import { checkChatExport, MAX_CONVERSATIONS_PER_EXPORT } from './chat-export-body';
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
  it('returns the export as sent', () => {
    expect(checkChatExport(EXPORT)).toBe(EXPORT);
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
