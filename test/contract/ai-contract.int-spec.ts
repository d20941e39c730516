// Cross-language contract check: every request envelope the api produces is
// validated by pydantic models written from CONTRACT.md (test/contract/ai_models.py),
// run on the machine's python3, exactly as the Python AI server would read them.
// On top of that, our own stricter rules (no secrets, language always sent, ...).
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { GraphRepository, JobsRepository, SourcesRepository } from '@app/database';
import { parseGraphResult } from '@app/queue-contracts';
import { type ApiTestApp, bearer, bootApiTestApp, drainQueue } from '../../apps/api/test/api-test-app';
import { FIXTURES_DIR, GOLDEN_FILLS, type GoldenEnvelope, listGolden, readGoldenEnvelope } from '../../libs/queue-contracts/test/golden-contract';

const PYTHON = process.env.CONTRACT_PYTHON ?? 'python3';
const VALIDATOR = path.join(__dirname, 'validate_envelopes.py');
const REQUEST_TYPES = ['GRAPH_GENERATION_REQUEST', 'ADD_NODE_REQUEST', 'GRAPH_SUMMARY_REQUEST'] as const;
/** Fields the AI's AddNode model has but that must never travel in a queue message. */
const SECRET_FIELDS = ['beBaseUrl', 'internalServiceToken'];

type FieldKind = 'string' | 'integer' | 'boolean' | 'string[]';
/**
 * The JSON type of every payload field we may send (CONTRACT.md). Stricter than
 * pydantic's lax coercion ("3" for an int), and than pydantic 1 (the Debian
 * fallback), which would also turn a number into a string.
 */
const FIELD_KINDS: Record<(typeof REQUEST_TYPES)[number], Record<string, FieldKind>> = {
  GRAPH_GENERATION_REQUEST: {
    userId: 'string',
    s3Key: 'string',
    bucket: 'string',
    chatId: 'string',
    numClusters: 'integer',
    minClusters: 'integer',
    maxClusters: 'integer',
    includeSummary: 'boolean',
    language: 'string',
    inputType: 'string',
    extraS3Keys: 'string[]',
  },
  ADD_NODE_REQUEST: { userId: 'string', s3Key: 'string', bucket: 'string', inputType: 'string', language: 'string', extraS3Keys: 'string[]' },
  GRAPH_SUMMARY_REQUEST: { userId: 'string', graphS3Key: 'string', bucket: 'string', chatId: 'string', vectorDbS3Key: 'string', language: 'string' },
};

function hasKind(value: unknown, kind: FieldKind): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'string[]':
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
  }
}

interface ValidationResult {
  ok: boolean;
  taskType?: string;
  taskId?: string | null;
  payload?: Record<string, unknown>;
  errors?: unknown[];
}

interface ValidatorRun {
  code: number | null;
  results: ValidationResult[];
  stderr: string;
}

/** Runs the python validator with one envelope per stdin line (strings are sent as they are, e.g. raw queue bodies). */
function runValidator(envelopes: readonly unknown[]): Promise<ValidatorRun> {
  const lines = envelopes.map((envelope) => (typeof envelope === 'string' ? envelope : JSON.stringify(envelope)));
  if (lines.some((line) => line.includes('\n'))) throw new Error('an envelope spans several lines; send it compact');
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [VALIDATOR], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        const results = stdout
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line) as ValidationResult);
        if (results.length !== lines.length) {
          reject(new Error(`${PYTHON} ${VALIDATOR} answered ${results.length} results for ${lines.length} envelopes (exit ${code}; is pydantic importable? CONTRACT_PYTHON picks the interpreter): ${stderr}`));
          return;
        }
        resolve({ code, results, stderr });
      } catch (error) {
        reject(new Error(`${PYTHON} ${VALIDATOR} printed something that is not JSON lines (exit ${code}): ${String(error)}\n${stdout}\n${stderr}`));
      }
    });
    child.stdin.end(lines.map((line) => `${line}\n`).join(''));
  });
}

/**
 * Our rules, stricter than what pydantic on the AI side enforces: the AI would
 * silently accept a secret, a missing language (defaulting to Chinese) or a
 * bundle key without its trailing slash.
 */
function ourProblems(envelope: GoldenEnvelope, bucket: string): string[] {
  const problems: string[] = [];
  const { taskId, taskType, payload, timestamp } = envelope;
  if (typeof taskId !== 'string' || taskId.trim() === '') problems.push('taskId must be a non-empty string');
  if (!(REQUEST_TYPES as readonly string[]).includes(taskType)) problems.push(`taskType ${String(taskType)} is not a request type`);
  if (typeof timestamp !== 'string' || !timestamp.endsWith('Z') || Number.isNaN(Date.parse(timestamp))) {
    problems.push(`timestamp ${String(timestamp)} must be ISO 8601 UTC ending in Z`);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return [...problems, 'payload must be an object'];
  for (const field of SECRET_FIELDS) if (field in payload) problems.push(`payload must not contain ${field}`);
  const kinds: Record<string, FieldKind> | undefined = FIELD_KINDS[taskType as (typeof REQUEST_TYPES)[number]];
  for (const [field, value] of Object.entries(payload)) {
    if (SECRET_FIELDS.includes(field) || !kinds) continue;
    const kind = kinds[field];
    if (!kind) problems.push(`payload.${field} is not a field of ${taskType}`);
    else if (!hasKind(value, kind)) problems.push(`payload.${field} must be of type ${kind}, got ${JSON.stringify(value)}`);
  }
  if (typeof payload.language !== 'string' || payload.language === '') problems.push('payload.language must always be sent (the AI default is Chinese)');
  if (payload.bucket !== bucket) problems.push(`payload.bucket must be the payload bucket ${bucket}, got ${String(payload.bucket)}`);
  if (typeof payload.userId !== 'string' || payload.userId === '') problems.push('payload.userId must be a non-empty string');
  switch (taskType) {
    case 'GRAPH_GENERATION_REQUEST': {
      const key = payload.s3Key;
      if (typeof key !== 'string' || !key.startsWith(`graph-generation/${taskId}/`) || !key.endsWith('/')) {
        problems.push(`payload.s3Key ${String(key)} must be the bundle prefix graph-generation/${taskId}/ with its trailing slash`);
      }
      if (payload.inputType !== 'auto') problems.push(`payload.inputType must be "auto", got ${String(payload.inputType)}`);
      for (const omitted of ['chatId', 'extraS3Keys']) if (omitted in payload) problems.push(`payload.${omitted} must be omitted`);
      break;
    }
    case 'ADD_NODE_REQUEST':
      if (payload.s3Key !== `add-node/${taskId}/batch.json`) problems.push(`payload.s3Key ${String(payload.s3Key)} must be add-node/${taskId}/batch.json`);
      if (payload.inputType !== 'batch') problems.push(`payload.inputType must be "batch", got ${String(payload.inputType)}`);
      break;
    case 'GRAPH_SUMMARY_REQUEST':
      if (payload.graphS3Key !== `graph-summary/${taskId}/graph.json`) {
        problems.push(`payload.graphS3Key ${String(payload.graphS3Key)} must be graph-summary/${taskId}/graph.json`);
      }
      break;
  }
  return problems;
}

/** A golden request envelope with its placeholders filled. */
function golden(name: string): GoldenEnvelope {
  return readGoldenEnvelope(`requests/${name}`, GOLDEN_FILLS);
}

const goldenNamed = (taskType: string): GoldenEnvelope => {
  const found = listGolden('requests')
    .map(golden)
    .find((envelope) => envelope.taskType === taskType);
  if (!found) throw new Error(`no golden request of type ${taskType}`);
  return found;
};

function without(record: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _dropped, ...rest } = record;
  return rest;
}

describe('AI request contract (python pydantic models from CONTRACT.md)', () => {
  describe('the golden requests', () => {
    const names = listGolden('requests');

    it('cover all three request types', () => {
      expect(names.map((name) => golden(name).taskType).sort()).toEqual([...REQUEST_TYPES].sort());
    });

    it.each(names)('%s passes the AI models and our stricter checks', async (name) => {
      const envelope = golden(name);
      const { code, results, stderr } = await runValidator([envelope]);
      expect({ code, stderr, result: results[0] }).toEqual({ code: 0, stderr: '', result: expect.objectContaining({ ok: true, taskType: envelope.taskType }) as unknown });
      expect(results[0].payload).toMatchObject(envelope.payload);
      expect(ourProblems(envelope, GOLDEN_FILLS.payloadBucket)).toEqual([]);
    });
  });

  describe('negative controls (the check can fail)', () => {
    it('rejects an envelope with `type` instead of `taskType`', async () => {
      const { taskType, ...rest } = goldenNamed('GRAPH_GENERATION_REQUEST');
      const { code, results } = await runValidator([{ ...rest, type: taskType }]);
      expect(code).toBe(1);
      expect(results[0]).toMatchObject({ ok: false, errors: [expect.objectContaining({ loc: ['taskType'], type: 'missing' })] });
    });

    it('rejects a GRAPH_GENERATION_REQUEST payload without s3Key', async () => {
      const envelope = goldenNamed('GRAPH_GENERATION_REQUEST');
      const { code, results } = await runValidator([{ ...envelope, payload: without(envelope.payload, 's3Key') }]);
      expect(code).toBe(1);
      expect(results[0]).toMatchObject({ ok: false, errors: [expect.objectContaining({ loc: ['payload', 's3Key'], type: 'missing' })] });
    });

    it('rejects an ADD_NODE_REQUEST payload without userId', async () => {
      const envelope = goldenNamed('ADD_NODE_REQUEST');
      const { code, results } = await runValidator([{ ...envelope, payload: without(envelope.payload, 'userId') }]);
      expect(code).toBe(1);
      expect(results[0]).toMatchObject({ ok: false, errors: [expect.objectContaining({ loc: ['payload', 'userId'], type: 'missing' })] });
    });

    it('rejects a task type that is not a request type, and a body that is not JSON, while reporting each line', async () => {
      const good = goldenNamed('GRAPH_SUMMARY_REQUEST');
      const { code, results } = await runValidator([good, { ...good, taskType: 'MICROSCOPE_INGEST_REQUEST' }, '{not json']);
      expect(code).toBe(1);
      expect(results.map((result) => result.ok)).toEqual([true, false, false]);
    });

    it('never passes an empty run', async () => {
      const { code, results } = await runValidator([]);
      expect(code).toBe(2);
      expect(results).toEqual([]);
    });

    it('flags what the AI would silently accept: a secret, a missing language, a bundle key without its slash, a local timestamp, a numeric string', async () => {
      const addNode = goldenNamed('ADD_NODE_REQUEST');
      const generation = goldenNamed('GRAPH_GENERATION_REQUEST');
      const withSecret = { ...addNode, payload: { ...addNode.payload, beBaseUrl: 'http://be', internalServiceToken: 'secret' } };
      const noLanguage = { ...generation, payload: without(generation.payload, 'language') };
      const noSlash = { ...generation, payload: { ...generation.payload, s3Key: `graph-generation/${generation.taskId}` } };
      const localTime = { ...generation, timestamp: '2026-11-22T06:00:00.000' };
      const numericString = { ...generation, payload: { ...generation.payload, maxClusters: '8' } };

      const { code, results } = await runValidator([withSecret, noLanguage, noSlash, localTime, numericString]);
      expect(code).toBe(0);
      // The AI falls back to Chinese when language is absent.
      expect(results[1].payload?.language).toBe('zh');

      const bucket = GOLDEN_FILLS.payloadBucket;
      expect(ourProblems(withSecret, bucket)).toEqual(['payload must not contain beBaseUrl', 'payload must not contain internalServiceToken']);
      expect(ourProblems(noLanguage, bucket)).toEqual([expect.stringContaining('payload.language')]);
      expect(ourProblems(noSlash, bucket)).toEqual([expect.stringContaining('payload.s3Key')]);
      expect(ourProblems(localTime, bucket)).toEqual([expect.stringContaining('timestamp')]);
      expect(ourProblems(numericString, bucket)).toEqual(['payload.maxClusters must be of type integer, got "8"']);
    });
  });

  describe('the envelopes the real api sends', () => {
    const USER = 'contract-user';
    const CONVERSATIONS = readFileSync(path.join(FIXTURES_DIR, 'files/conversations.json'));
    const GRAPH_RESULT = JSON.parse(readFileSync(path.join(FIXTURES_DIR, 'files/graph-result.json'), 'utf8')) as {
      nodes: { id: number }[];
      metadata: { clusters: Record<string, { name: string; description: string; size: number; key_themes: string[] }> };
    };

    let api: ApiTestApp;
    /** taskIds from the 202 answers, by the call that made them. */
    const launched: Record<'generateJson' | 'generate' | 'addNode' | 'summary', string> = { generateJson: '', generate: '', addNode: '', summary: '' };
    let bodies: string[] = [];
    let envelopes: GoldenEnvelope[] = [];

    async function call(route: string, body: Buffer | string, expected: number): Promise<Record<string, unknown>> {
      const response = await fetch(`${api.base}${route}`, {
        method: 'POST',
        headers: { ...bearer(USER), 'Content-Type': 'application/json' },
        body,
      });
      const text = await response.text();
      if (response.status !== expected) throw new Error(`POST ${route} answered ${response.status}, expected ${expected}: ${text}`);
      return JSON.parse(text) as Record<string, unknown>;
    }

    async function accepted(route: string, body: Buffer | string): Promise<string> {
      const answer = await call(route, body, 202);
      expect(answer).toEqual({ message: expect.any(String) as unknown, taskId: expect.any(String) as unknown, status: 'queued', macroId: expect.any(String) as unknown });
      return answer.taskId as string;
    }

    async function readObject(key: string): Promise<unknown> {
      const object = await api.aws.s3.send(new GetObjectCommand({ Bucket: api.aws.bucket, Key: key }));
      return JSON.parse(await object.Body!.transformToString('utf8'));
    }

    const envelopeOf = (taskId: string): GoldenEnvelope => {
      const found = envelopes.find((envelope) => envelope.taskId === taskId);
      if (!found) throw new Error(`no envelope was sent for ${taskId}`);
      return found;
    };

    /** Stands in for the worker: the job ends, so the api's one-graph-job-at-a-time rule lets the next one start. */
    async function finishJob(taskId: string): Promise<void> {
      const finished = await api.app.get(JobsRepository).transition(taskId, ['QUEUED', 'RUNNING'], { status: 'SUCCEEDED', finishedAt: new Date() });
      if (!finished) throw new Error(`job ${taskId} was not live`);
    }

    beforeAll(async () => {
      api = await bootApiTestApp('contract');
      launched.generateJson = await accepted('/v1/graph-ai/test/generate-json', CONVERSATIONS);
      await finishJob(launched.generateJson);

      expect(await call('/v1/sources/conversations', CONVERSATIONS, 201)).toMatchObject({ imported: 2 });
      await call('/v1/sources/notes', JSON.stringify({ notes: [{ id: 'note-1', title: 'Garden', content: 'Tomatoes need sun' }] }), 201);
      launched.generate = await accepted('/v1/graph-ai/generate', JSON.stringify({ includeSummary: false }));

      // Stand in for the worker completing the generate job: store its graph and mark the sources it included.
      const parsed = parseGraphResult(GRAPH_RESULT);
      if (!parsed.ok) throw new Error(`graph-result.json does not parse: ${parsed.problems.join('; ')}`);
      const graphs = api.app.get(GraphRepository);
      const version = await graphs.replace(USER, launched.generate, parsed.graph);
      const included = (await api.app.get(SourcesRepository).listAll(USER)).map((source) => ({ kind: source.kind, id: source.id }));
      await graphs.markSourcesIncluded(USER, version, included);
      await finishJob(launched.generate);

      await call('/v1/sources/notes', JSON.stringify({ notes: [{ id: 'note-2', title: 'Compost', content: 'Turn the pile weekly' }] }), 201);
      launched.addNode = await accepted('/v1/graph-ai/add-node', '{}');
      launched.summary = await accepted('/v1/graph-ai/summary', '{}');

      bodies = await drainQueue(api.aws);
      envelopes = bodies.map((body) => JSON.parse(body) as GoldenEnvelope);
    }, 120_000);

    afterAll(async () => {
      await api?.close();
    });

    it('sends exactly four request envelopes, one per accepted job', () => {
      expect(envelopes.map((envelope) => envelope.taskType).sort()).toEqual(
        ['ADD_NODE_REQUEST', 'GRAPH_GENERATION_REQUEST', 'GRAPH_GENERATION_REQUEST', 'GRAPH_SUMMARY_REQUEST'].sort(),
      );
      expect(envelopes.map((envelope) => envelope.taskId).sort()).toEqual(Object.values(launched).sort());
      expect(envelopeOf(launched.generateJson).taskType).toBe('GRAPH_GENERATION_REQUEST');
      expect(envelopeOf(launched.generate).taskType).toBe('GRAPH_GENERATION_REQUEST');
      expect(envelopeOf(launched.addNode).taskType).toBe('ADD_NODE_REQUEST');
      expect(envelopeOf(launched.summary).taskType).toBe('GRAPH_SUMMARY_REQUEST');
    });

    it("passes the AI's pydantic models, every one of them, as sent on the queue", async () => {
      expect(bodies).toHaveLength(4);
      const { code, results, stderr } = await runValidator(bodies);
      expect({ code, stderr, failed: results.filter((result) => !result.ok) }).toEqual({ code: 0, stderr: '', failed: [] });
      results.forEach((result, index) => {
        expect(result.taskType).toBe(envelopes[index].taskType);
        expect(result.taskId).toBe(envelopes[index].taskId);
        // What the AI reads is what we meant: our fields survive validation unchanged (no AI default overrides them).
        expect(result.payload).toMatchObject(envelopes[index].payload);
      });
      expect(envelopeOf(launched.generate).payload.includeSummary).toBe(false);
    });

    it('passes our stricter checks (no secrets, language always sent, keys by task id, UTC timestamps)', () => {
      expect(envelopes.map((envelope) => ({ taskId: envelope.taskId, problems: ourProblems(envelope, api.aws.bucket) }))).toEqual(
        envelopes.map((envelope) => ({ taskId: envelope.taskId, problems: [] })),
      );
      for (const envelope of envelopes) expect(envelope.payload.userId).toBe(USER);
    });

    it('stored the graph generation bundles under the prefixes the envelopes name', async () => {
      const fromExport = envelopeOf(launched.generateJson).payload.s3Key as string;
      expect(await api.aws.listKeys(fromExport)).toEqual([`${fromExport}input.json`]);

      const fromSources = envelopeOf(launched.generate).payload.s3Key as string;
      expect((await api.aws.listKeys(fromSources)).sort()).toEqual([`${fromSources}input.json`, `${fromSources}notes.json`]);
      const conversations = (await readObject(`${fromSources}input.json`)) as Record<string, unknown>[];
      expect(Array.isArray(conversations)).toBe(true);
      expect(conversations.map((conversation) => conversation.id).sort()).toEqual(
        (JSON.parse(CONVERSATIONS.toString('utf8')) as { id: string }[]).map((conversation) => conversation.id).sort(),
      );
      for (const conversation of conversations) {
        expect(conversation).toEqual(expect.objectContaining({ id: expect.any(String) as unknown, title: expect.any(String) as unknown, mapping: expect.any(Object) as unknown }) as unknown);
      }
      const notes = (await readObject(`${fromSources}notes.json`)) as { source_nodes: Record<string, unknown>[] };
      expect(notes.source_nodes).toEqual([
        {
          id: expect.any(String) as unknown,
          title: 'Garden',
          sections: [{ id: expect.any(String) as unknown, content: 'Tomatoes need sun' }],
          source_type: 'markdown',
        },
      ]);
    });

    it('stored the add-node batch at the key its envelope names', async () => {
      const batch = (await readObject(envelopeOf(launched.addNode).payload.s3Key as string)) as {
        userId: string;
        existingClusters: unknown[];
        conversations: unknown[];
        notes: unknown[];
      };
      expect(batch.userId).toBe(USER);
      expect(batch.existingClusters).toEqual(
        expect.arrayContaining(
          Object.entries(GRAPH_RESULT.metadata.clusters).map(([id, cluster]) => ({
            id,
            name: cluster.name,
            description: cluster.description,
            size: cluster.size,
            themes: cluster.key_themes,
          })),
        ),
      );
      expect(batch.existingClusters).toHaveLength(Object.keys(GRAPH_RESULT.metadata.clusters).length);
      // Only what was imported after the stored graph: the second note.
      expect(batch.conversations).toEqual([]);
      expect(batch.notes).toEqual([{ noteId: 'note-2', title: 'Compost', content: 'Turn the pile weekly' }]);
    });

    it('stored the graph for the summary at the key its envelope names, in the AI graph format', async () => {
      const graph = (await readObject(envelopeOf(launched.summary).payload.graphS3Key as string)) as { nodes: Record<string, unknown>[] };
      const parsed = parseGraphResult(graph);
      expect(parsed).toMatchObject({ ok: true });
      expect(graph.nodes.map((node) => node.id).sort()).toEqual(GRAPH_RESULT.nodes.map((node) => node.id).sort());
      for (const node of graph.nodes) {
        expect(node).toEqual(expect.objectContaining({ id: expect.any(Number) as unknown, orig_id: expect.any(String) as unknown, cluster_id: expect.any(String) as unknown }) as unknown);
        expect(node).not.toHaveProperty('origId');
      }
    });
  });
});
