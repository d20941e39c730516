import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import * as path from 'node:path';
import { FIXTURES_DIR } from '../../../../libs/queue-contracts/test/golden-contract';
import { ApiException } from './api.exception';
import { checkChatExport, derivedConversationId, MAX_CONVERSATIONS_PER_EXPORT } from './chat-export-body';
import { checkedExport, MAX_CONVERSATION_BYTES } from './export-stream';
import { parseJsonBytes } from './json-body';

const FIXTURE = readFileSync(path.join(FIXTURES_DIR, 'files/conversations.json'));
const CONVERSATIONS = JSON.parse(FIXTURE.toString('utf8')) as Record<string, unknown>[];

/** A seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

function chunksOf(bytes: Buffer, sizes: () => number): AsyncIterable<Buffer> {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const size = Math.max(1, sizes());
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return Readable.from(chunks);
}

interface Outcome {
  readonly code: string;
  readonly detail?: string;
  readonly errors?: readonly string[];
  readonly stored?: Buffer;
}

/** What the streaming check gives for `bytes` cut into chunks of `sizes()` bytes. */
async function streamed(bytes: Buffer, sizes: () => number = () => bytes.length, maxConversationBytes = MAX_CONVERSATION_BYTES): Promise<Outcome> {
  const stored: Buffer[] = [];
  try {
    for await (const piece of checkedExport(chunksOf(bytes, sizes), maxConversationBytes)) stored.push(piece.bytes);
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    return { code: error.code, detail: error.message, errors: error.details };
  }
  return { code: 'OK', stored: Buffer.concat(stored) };
}

/** What the whole-body gate and checkChatExport give (the route's behaviour before streaming). */
function whole(bytes: Buffer): Outcome {
  try {
    const exported = checkChatExport(parseJsonBytes(bytes));
    return { code: 'OK', stored: exported.derivedIds === 0 ? bytes : Buffer.from(JSON.stringify(exported.conversations)) };
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    return { code: error.code, detail: error.message, errors: error.details };
  }
}

const sameAsWhole = (a: Outcome, b: Outcome) =>
  a.code === b.code &&
  (a.code === 'OK' ? JSON.stringify(JSON.parse(a.stored!.toString())) === JSON.stringify(JSON.parse(b.stored!.toString())) : a.detail?.startsWith(b.detail ?? '') && JSON.stringify(a.errors) === JSON.stringify(b.errors));

describe(checkedExport.name, () => {
  it('yields the export byte for byte, whatever the chunking', async () => {
    for (const size of [1, 2, 3, 7, 64, 1000, FIXTURE.length]) {
      expect((await streamed(FIXTURE, () => size)).stored?.equals(FIXTURE)).toBe(true);
    }
  });

  it('writes a derived id into a conversation sent without one, and only into it', async () => {
    const { id: _dropped, ...bare } = CONVERSATIONS[0];
    const body = Buffer.from(`[ ${JSON.stringify(bare)} ,\n${JSON.stringify(CONVERSATIONS[1])} ]`);
    const { stored } = await streamed(body, () => 5);
    expect(stored?.toString()).toBe(`[ ${JSON.stringify({ id: derivedConversationId(bare), ...bare })} ,\n${JSON.stringify(CONVERSATIONS[1])} ]`);
  });

  it.each([
    ['not an array', '{"id":"c1","mapping":{}}', 'NOT_AN_ARRAY'],
    ['not JSON, and no array', '{"id": ', 'INVALID_JSON'],
    ['a byte order mark', '\ufeff[]', 'INVALID_JSON'],
    ['a byte that is never UTF-8 after a conversation', Buffer.concat([Buffer.from('[{"id":"a"}'), Buffer.from([0xff]), Buffer.from(']')]), 'INVALID_UTF8'],
    ['an empty array', '  [ ]  ', 'INVALID_CONVERSATIONS'],
    ['whitespace only', '   ', 'INVALID_JSON'],
    ['a trailing comma', `[${JSON.stringify(CONVERSATIONS[0])},]`, 'INVALID_JSON'],
    ['two arrays', '[][]', 'INVALID_JSON'],
    ['scalars', '["a", 1, true, null]', 'INVALID_CONVERSATIONS'],
    ['a number cut by garbage', '[12x]', 'INVALID_JSON'],
    ['nesting too deep in a conversation', `[${'['.repeat(70)}${']'.repeat(70)}]`, 'JSON_TOO_DEEP'],
    ['the same conversation twice without ids', `[${JSON.stringify({ title: 'a' })},${JSON.stringify({ title: 'a' })}]`, 'DUPLICATE_ID'],
  ])('refuses %s as the whole-body gate does', async (_label, text, code) => {
    const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
    const expected = whole(bytes);
    expect(expected.code).toBe(code);
    for (const size of [1, 3, bytes.length]) {
      const outcome = await streamed(bytes, () => size);
      expect({ size, code: outcome.code, errors: outcome.errors }).toEqual({ size, code, errors: expected.errors });
      expect(outcome.detail?.startsWith(expected.detail!)).toBe(true);
    }
  });

  it.each([
    ['an escaped backslash before u0000 (text, not an escape)', String.raw`[{"id":"a","t":"\\u0000"}]`, 'INVALID_CONVERSATIONS'],
    ['an escaped NUL after an escaped backslash', String.raw`[{"id":"a","t":"\\\u0000"}]`, 'NUL_CHARACTER'],
    ['a surrogate pair', String.raw`[{"id":"a","t":"\ud83c\udf45"}]`, 'INVALID_CONVERSATIONS'],
    ['an upper-case lone surrogate', String.raw`[{"id":"a","t":"\uDBFF!"}]`, 'LONE_SURROGATE'],
    ['a BMP escape', String.raw`[{"id":"a","t":"\u00e9\uE000"}]`, 'INVALID_CONVERSATIONS'],
  ])('judges %s as the whole-body gate does (the fast path hands every suspect escape to the scan)', async (_label, text, code) => {
    const bytes = Buffer.from(text);
    expect(whole(bytes).code).toBe(code); // INVALID_CONVERSATIONS: it passed the gate, and is no conversation
    expect(await streamed(bytes)).toMatchObject({ code, errors: whole(bytes).errors });
  });

  it('counts every conversation before refusing too many, as the whole-body check does', async () => {
    const many = Buffer.from(JSON.stringify(Array.from({ length: MAX_CONVERSATIONS_PER_EXPORT + 5 }, (_, index) => ({ id: `c${index}` }))));
    expect(await streamed(many, () => 4096)).toMatchObject({ code: 'TOO_MANY_CONVERSATIONS', detail: expect.stringContaining('10005 conversations') as unknown });
  });

  it('names the byte, its line and column, and the conversation of a problem', async () => {
    const body = Buffer.from(`[\n${JSON.stringify(CONVERSATIONS[0])},\n{"id": "c2", "title": "a\\ud800"}\n]`);
    const at = body.indexOf('\\ud800');
    const outcome = await streamed(body, () => 10);
    expect(outcome.code).toBe('LONE_SURROGATE');
    expect(outcome.detail).toContain(`at byte ${at} (line 3, column ${at - body.lastIndexOf('\n', at)}), in conversation [1]`);
  });

  it('refuses a conversation larger than the limit without holding it', async () => {
    const body = Buffer.from(JSON.stringify([{ ...CONVERSATIONS[0], padding: 'x'.repeat(5000) }]));
    expect(await streamed(body, () => 100, 4096)).toMatchObject({
      code: 'CONVERSATION_TOO_LARGE',
      detail: 'Conversation [0] (starting at byte 1 (line 1, column 2)) is larger than 4096 bytes, the most one conversation may hold',
    });
  });

  it('agrees with the whole-body gate and checkChatExport on a real export with a few bytes changed, in random chunks', async () => {
    const next = random(17);
    const original = FIXTURE.toString('utf8');
    const replacements = ['', '[', ']', '{', '}', ',', ':', '"', '\\', '0', '-', ' ', 'n', '\n', '\\u0000', '\\udc00', '\u00e9', '\u{1F345}'];
    const disagreements: string[] = [];
    let accepted = 0;
    for (let round = 0; round < 1500; round++) {
      let text = original;
      for (let edit = 0; edit < 1 + Math.floor(next() * 2); edit++) {
        const at = Math.floor(next() * text.length);
        text = text.slice(0, at) + replacements[Math.floor(next() * replacements.length)] + text.slice(at + (next() < 0.5 ? 1 : 0));
      }
      const bytes = Buffer.from(text);
      const expected = whole(bytes);
      if (expected.code === 'OK') accepted++;
      const outcome = await streamed(bytes, () => 1 + Math.floor(next() * 300));
      if (!sameAsWhole(outcome, expected)) disagreements.push(`${JSON.stringify(expected)} vs ${JSON.stringify({ ...outcome, stored: undefined })}`);
    }
    expect(disagreements).toEqual([]);
    expect(accepted).toBeGreaterThan(100);
  });
});
