import { DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { GraphRepository, JobEventsRepository, JobsRepository, SourcesRepository } from '@app/database';
import { parseGraphResult } from '@app/queue-contracts';
import { FIXTURES_DIR } from '../../../libs/queue-contracts/test/golden-contract';
import { MAX_CONVERSATIONS_PER_EXPORT } from '../src/http/chat-export-body';
import { MAX_JSON_DEPTH } from '../src/http/json-gate';
import { MAX_NOTES_PER_REQUEST } from '../src/sources/import-notes.dto';
import { type ApiTestApp, bearer, bootApiTestApp, type ProblemBody } from './api-test-app';

/*
 * Shared by the body-gate int-specs: every route that takes a body, a valid
 * template body for each, and the bad bodies every one of them must refuse
 * with nothing stored.
 */

export const EXPORT = JSON.parse(readFileSync(path.join(FIXTURES_DIR, 'files/conversations.json'), 'utf8')) as Record<string, unknown>[];
const GRAPH = parseGraphResult(JSON.parse(readFileSync(path.join(FIXTURES_DIR, 'files/graph-result.json'), 'utf8')));
/** Uploads of 10,001 minimal conversations must fit (the default test app allows 64 KiB). */
export const UPLOAD_LIMIT = 1024 * 1024;

/** In every template: `"<MARK>"` is a string value, `"<KEY>"` a property name, SECRET user content that no answer may echo. */
export const MARK = 'MARK-0b5c';
export const KEY = 'KEY-0b5c';
export const SECRET = 'do-not-echo-7f3a';

export interface BodyRoute {
  readonly path: string;
  readonly template: string;
  /** What the route needs to do real work for `user`, so that a body let through would store something. */
  readonly seed: (api: ApiTestApp, user: string) => Promise<void>;
  readonly accepted: number;
}

export const exportTemplate = JSON.stringify([{ ...EXPORT[0], title: MARK, [KEY]: SECRET }, EXPORT[1]]);
const seedNothing = () => Promise.resolve();
const seedSource = async (api: ApiTestApp, user: string) => {
  await api.app.get(SourcesRepository).upsert(user, [{ kind: 'note', id: 'seeded', title: 'Garden', content: 'Tomatoes need sun' }]);
};
const seedGraph = async (api: ApiTestApp, user: string) => {
  if (!GRAPH.ok) throw new Error(GRAPH.problems.join('; '));
  await api.app.get(GraphRepository).replace(user, 'task_seed', GRAPH.graph);
  await seedSource(api, user);
};

export const ROUTES = {
  'test route': { path: '/v1/graph-ai/test/generate-json', template: exportTemplate, seed: seedNothing, accepted: 202 },
  'sources conversations': { path: '/v1/sources/conversations', template: exportTemplate, seed: seedNothing, accepted: 201 },
  'sources notes': {
    path: '/v1/sources/notes',
    template: JSON.stringify({ notes: [{ id: 'n-1', title: MARK, content: SECRET, [KEY]: 1 }] }),
    seed: seedNothing,
    accepted: 201,
  },
  generate: { path: '/v1/graph-ai/generate', template: JSON.stringify({ includeSummary: false, [KEY]: MARK, comment: SECRET }), seed: seedSource, accepted: 202 },
  'add-node': { path: '/v1/graph-ai/add-node', template: JSON.stringify({ [KEY]: MARK, comment: SECRET }), seed: seedGraph, accepted: 202 },
  summary: { path: '/v1/graph-ai/summary', template: JSON.stringify({ [KEY]: MARK, comment: SECRET }), seed: seedGraph, accepted: 202 },
} satisfies Record<string, BodyRoute>;

export type RouteName = keyof typeof ROUTES;

/** The template with each marker (and, for `"MARK"` with its quotes, `quoted`) replaced by raw bytes. */
export function fill(template: string, replace: { mark?: Buffer | string; quoted?: Buffer | string; key?: Buffer | string }): Buffer {
  let parts: (Buffer | string)[] = [template];
  const split = (needle: string, by: Buffer | string | undefined) => {
    if (by === undefined) return;
    parts = parts.flatMap((part) => (typeof part === 'string' ? part.split(needle).flatMap((piece, index) => (index === 0 ? [piece] : [by, piece])) : [part]));
  };
  split(`"${MARK}"`, replace.quoted);
  split(MARK, replace.mark);
  split(KEY, replace.key);
  return Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : part)));
}

const offsetOf = (template: string, needle: string) => Buffer.byteLength(template.slice(0, template.indexOf(needle)));

export interface BadBody {
  readonly label: string;
  readonly body: (template: string) => Buffer;
  readonly contentType?: string | null;
  readonly status: number;
  readonly code: string;
  /** The byte the message must name. */
  readonly at?: (template: string) => number;
  readonly message?: RegExp;
}

export const GATE_CASES: readonly BadBody[] = [
  { label: 'a byte that is never UTF-8', body: (t) => fill(t, { mark: Buffer.from([0x61, 0xff, 0x62]) }), status: 400, code: 'INVALID_UTF8', at: (t) => offsetOf(t, MARK) + 1 },
  { label: 'Latin-1 text', body: (t) => fill(t, { mark: Buffer.from('caf\xe9', 'latin1') }), status: 400, code: 'INVALID_UTF8', at: (t) => offsetOf(t, MARK) + 3 },
  { label: 'an encoded surrogate (CESU-8)', body: (t) => fill(t, { mark: Buffer.from([0xed, 0xa0, 0x80]) }), status: 400, code: 'INVALID_UTF8', at: (t) => offsetOf(t, MARK) },
  { label: 'an escaped NUL in a string', body: (t) => fill(t, { mark: 'a\\u0000' }), status: 400, code: 'NUL_CHARACTER', at: (t) => offsetOf(t, MARK) + 1 },
  { label: 'a raw NUL in a string', body: (t) => fill(t, { mark: Buffer.from([0x00]) }), status: 400, code: 'NUL_CHARACTER', at: (t) => offsetOf(t, MARK) },
  { label: 'an escaped NUL in a key', body: (t) => fill(t, { key: 'k\\u0000' }), status: 400, code: 'NUL_CHARACTER', at: (t) => offsetOf(t, KEY) + 1 },
  { label: 'a lone high surrogate', body: (t) => fill(t, { mark: '\\ud83c!' }), status: 400, code: 'LONE_SURROGATE', at: (t) => offsetOf(t, MARK) },
  { label: 'a lone low surrogate in a key', body: (t) => fill(t, { key: 'k\\uDC00' }), status: 400, code: 'LONE_SURROGATE', at: (t) => offsetOf(t, KEY) + 1 },
  {
    label: 'nesting 1,000 levels deep',
    body: (t) => fill(t, { quoted: `${'['.repeat(1000)}${']'.repeat(1000)}` }),
    status: 400,
    code: 'JSON_TOO_DEEP',
    message: new RegExp(`deeper than ${MAX_JSON_DEPTH}`),
  },
  { label: 'cut short', body: (t) => Buffer.from(t.slice(0, -1)), status: 400, code: 'INVALID_JSON', at: (t) => Buffer.byteLength(t) - 1, message: /ends early/ },
  { label: 'a trailing comma', body: (t) => Buffer.from(`${t.slice(0, -1)},${t.slice(-1)}`), status: 400, code: 'INVALID_JSON', at: (t) => Buffer.byteLength(t) },
  { label: 'a byte order mark', body: (t) => Buffer.from(`\ufeff${t}`), status: 400, code: 'INVALID_JSON', at: () => 0, message: /byte order mark/ },
  { label: 'sent as text/plain', body: (t) => fill(t, { mark: 'ok' }), contentType: 'text/plain', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { label: 'sent without a Content-Type', body: (t) => fill(t, { mark: 'ok' }), contentType: null, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { label: 'sent as JSON in Latin-1', body: (t) => fill(t, { mark: 'ok' }), contentType: 'application/json; charset=iso-8859-1', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { label: 'sent as a form', body: (t) => fill(t, { mark: 'ok' }), contentType: 'application/x-www-form-urlencoded', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
];

export const manyConversations = (count: number) => JSON.stringify(Array.from({ length: count }, (_, index) => ({ id: `c${index}` })));
export const EXPORT_CASES: readonly BadBody[] = [
  {
    label: 'one conversation id twice',
    body: () => Buffer.from(JSON.stringify([EXPORT[0], EXPORT[1], { ...EXPORT[1], title: SECRET }, EXPORT[0]])),
    status: 400,
    code: 'DUPLICATE_ID',
  },
  {
    label: `${MAX_CONVERSATIONS_PER_EXPORT + 1} conversations`,
    body: () => Buffer.from(manyConversations(MAX_CONVERSATIONS_PER_EXPORT + 1)),
    status: 400,
    code: 'TOO_MANY_CONVERSATIONS',
    message: /10001 conversations; at most 10000/,
  },
];

export const NOTE_CASES: readonly BadBody[] = [
  {
    label: 'one note id twice',
    body: () => Buffer.from(JSON.stringify({ notes: [{ id: 'n-1', title: 'a', content: SECRET }, { id: 'n-2', title: 'b', content: '' }, { id: 'n-1', title: 'c', content: '' }] })),
    status: 400,
    code: 'DUPLICATE_ID',
  },
  {
    label: `${MAX_NOTES_PER_REQUEST + 1} notes`,
    body: () => Buffer.from(JSON.stringify({ notes: Array.from({ length: MAX_NOTES_PER_REQUEST + 1 }, () => ({ title: 't', content: '' })) })),
    status: 400,
    code: 'TOO_MANY_NOTES',
    message: /1001 notes; at most 1000/,
  },
];

export interface GateHarness {
  readonly api: () => ApiTestApp;
  readonly nextUser: () => string;
  post(route: string, userId: string, body: Buffer, contentType?: string | null): Promise<Response>;
}

/**
 * One api (uploads up to UPLOAD_LIMIT) and, for each of `routes`, every bad
 * body of GATE_CASES (and of EXPORT_CASES / NOTE_CASES where they apply):
 * refused with its status and code, naming the byte, echoing no content and
 * leaving no object, job, event, source or queue message. Then each route takes
 * its valid body under the other accepted media types. `more` adds the file's
 * own tests.
 */
export function describeBodyGate(title: string, routes: readonly RouteName[], more: (harness: GateHarness) => void): void {
  describe(title, () => {
    let api: ApiTestApp;
    let user = 0;
    const nextUser = () => `gate-${++user}`;

    beforeAll(async () => {
      api = await bootApiTestApp(`body_gate_${routes.length}`, { env: { MAX_UPLOAD_BYTES: String(UPLOAD_LIMIT) } });
    });

    afterAll(async () => {
      await api?.close();
    });

    /** Accepted requests leave a message; requests answer after sending it, so a receive without waiting finds them all. */
    afterEach(async () => {
      const { sqs, requestQueueUrl: QueueUrl } = api.aws;
      for (;;) {
        const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
        if (Messages.length === 0) return;
        await Promise.all(Messages.map((message) => sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }))));
      }
    });

    const post = (route: string, userId: string, body: Buffer, contentType: string | null = 'application/json') =>
      fetch(`${api.base}${route}`, { method: 'POST', headers: { ...bearer(userId), ...(contentType === null ? {} : { 'Content-Type': contentType }) }, body });

    const queued = async () => {
      const { Attributes } = await api.aws.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: api.aws.requestQueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      );
      return Number(Attributes?.ApproximateNumberOfMessages ?? 0) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
    };

    /** Everything a request of `userId` could have left: objects, jobs, events, sources beyond the seeded ones, queue messages. */
    const leftovers = async (userId: string) => {
      const [keys, jobs, events, sources, messages] = await Promise.all([
        api.aws.listKeys(),
        api.app.get(JobsRepository).listForUser(userId, { limit: 10 }),
        api.app.get(JobEventsRepository).listForUser(userId),
        api.app.get(SourcesRepository).listAll(userId),
        queued(),
      ]);
      return {
        objects: keys.filter((key) => key.includes(`_${userId}_`)),
        jobs,
        events,
        sources: sources.filter((source) => source.id !== 'seeded').map((source) => source.id),
        queued: messages,
      };
    };
    const NOTHING = { objects: [], jobs: [], events: [], sources: [], queued: 0 };

    const cases = routes.flatMap((name) => {
      const route: BodyRoute = ROUTES[name];
      const own = route.template === exportTemplate ? EXPORT_CASES : name === 'sources notes' ? NOTE_CASES : [];
      return [...GATE_CASES, ...own].map((bad) => [name, bad.label, route, bad] as const);
    });

    /** One seeded user per route: whatever one refused body had left would show in the checks of all that follow. */
    const seeded = new Map<RouteName, Promise<string>>();
    const seededUser = (name: RouteName) => {
      if (!seeded.has(name)) {
        const userId = nextUser();
        seeded.set(name, ROUTES[name].seed(api, userId).then(() => userId));
      }
      return seeded.get(name) as Promise<string>;
    };

    it.each(cases)('%s: refuses a body with %s, stores nothing, echoes nothing', async (name, _label, route, bad) => {
      const userId = await seededUser(name);

      const response = await post(route.path, userId, bad.body(route.template), bad.contentType);

      const text = await response.text();
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const problem = JSON.parse(text) as ProblemBody;
      expect({ status: response.status, code: problem.code }).toEqual({ status: bad.status, code: bad.code });
      const fields = ['code', 'correlationId', 'detail', 'instance', 'retryable', 'status', 'title', 'type'];
      expect(Object.keys(problem).sort()).toEqual(problem.errors ? [...fields, 'errors'].sort() : fields);
      expect(problem.status).toBe(bad.status);
      if (bad.at) expect(problem.detail).toContain(`at byte ${bad.at(route.template)} `);
      if (bad.message) expect(problem.detail).toMatch(bad.message);
      expect(text).not.toContain(SECRET);
      expect(await leftovers(userId)).toEqual(NOTHING);
    });

    describe('what passes the gate', () => {
      it.each(routes)('%s: takes the same body as application/json; charset=UTF-8 and as application/<x>+json', async (name) => {
        const route: BodyRoute = ROUTES[name];
        for (const contentType of ['application/json; charset=UTF-8', 'application/vnd.graphnode+json']) {
          const userId = nextUser();
          await route.seed(api, userId);
          const response = await post(route.path, userId, fill(route.template, { mark: 'ok' }), contentType);
          expect({ contentType, status: response.status }).toEqual({ contentType, status: route.accepted });
        }
      });

    });

    more({ api: () => api, nextUser, post });
  });
}
