import { type IncomingMessage } from 'node:http';
import { ApiException } from './api.exception';
import { assertJsonContentType, hasBody, parseJsonBytes } from './json-body';

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

function problemOf(action: () => unknown): { status: number; body: Record<string, unknown> } | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    return { status: error.getStatus(), body: { status: error.getStatus(), code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } };
  }
}

describe(assertJsonContentType.name, () => {
  it.each([
    'application/json',
    'Application/JSON',
    'application/json; charset=utf-8',
    'application/json;charset=UTF-8',
    'application/json; charset="utf-8"',
    'application/json; charset=utf8',
    'application/vnd.api+json',
    'application/merge-patch+json; charset=utf-8',
  ])('accepts %s', (contentType) => {
    expect(problemOf(() => assertJsonContentType(request({ 'content-type': contentType })))).toBeUndefined();
  });

  it.each([
    ['no Content-Type', {}],
    ['text/plain', { 'content-type': 'text/plain' }],
    ['text/json', { 'content-type': 'text/json' }],
    ['a form', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['multipart', { 'content-type': 'multipart/form-data; boundary=x' }],
    ['JSON in Latin-1', { 'content-type': 'application/json; charset=iso-8859-1' }],
    ['JSON in UTF-16', { 'content-type': 'application/json; charset=utf-16' }],
    ['a JSON-ish prefix', { 'content-type': 'application/jsonx' }],
    ['JSON Lines', { 'content-type': 'application/jsonl' }],
  ])('refuses %s with 415 UNSUPPORTED_MEDIA_TYPE, without echoing the header', (_label, headers) => {
    const problem = problemOf(() => assertJsonContentType(request(headers)));
    expect(problem).toMatchObject({ status: 415, body: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' } });
    for (const value of Object.values(headers)) expect(JSON.stringify(problem)).not.toContain(value);
  });
});

describe(hasBody.name, () => {
  it.each([
    [{}, false],
    [{ 'content-length': '0' }, false],
    [{ 'content-length': '12' }, true],
    [{ 'transfer-encoding': 'chunked' }, true],
  ])('%j → %s', (headers, expected) => {
    expect(hasBody(request(headers))).toBe(expected);
  });
});

describe(parseJsonBytes.name, () => {
  it('returns the value of a valid body', () => {
    expect(parseJsonBytes(Buffer.from('{"notes":[]}'))).toEqual({ notes: [] });
  });

  it.each([
    ['{"a": 1,\n "b": tru}', 'INVALID_JSON', /^The request body is not valid JSON: an unknown literal .* at byte 15 \(line 2, column 7\)$/],
    ['["\\u0000"]', 'NUL_CHARACTER', /NUL.* at byte 2 /],
    ['["\\udead"]', 'LONE_SURROGATE', /surrogate.* at byte 2 /],
    [`${'['.repeat(65)}${']'.repeat(65)}`, 'JSON_TOO_DEEP', /64 levels.* at byte 64 /],
  ])('answers %j with 400 %s, naming the byte', (text, code, message) => {
    expect(problemOf(() => parseJsonBytes(Buffer.from(text)))).toEqual({ status: 400, body: { status: 400, code, message: expect.stringMatching(message) as unknown } });
  });

  it('answers bytes that are not UTF-8 with 400 INVALID_UTF8', () => {
    expect(problemOf(() => parseJsonBytes(Buffer.from([0x22, 0xc3, 0x28, 0x22])))).toMatchObject({ status: 400, body: { code: 'INVALID_UTF8', message: expect.stringContaining('at byte 1 ') as unknown } });
  });
});
