// Chaos drill: api, worker and AI simulator as real processes over their own
// Postgres database, the machine's Redis (own namespace) and their own fauxqs,
// each dependency behind something the drill can break. Users submit ChatGPT
// exports and watch SSE the whole time while faults run one after another;
// then the drill waits for every job to end, checks the tables and what each
// SSE client received, prints one figure per line and a verdict.
//   npm run drill -- [--short] [--keep-logs] [--only=1,5]   exit 0 only on PASS; logs are kept on FAIL
// (--only runs just those faults, numbered as printed, to reproduce one.)
// Internal: `node drill.mjs --emulator <port> <dataDir>` is the emulator child.
import { GetQueueAttributesCommand, ListQueuesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { signDevToken } from '../../scripts/dev-token.mjs';
import { EMULATOR_CREDENTIALS, provision } from '../../scripts/emulator.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SELF = fileURLToPath(import.meta.url);
const ARGS = process.argv.slice(2);
const SHORT = ARGS.includes('--short');
const ONLY = ARGS.find((arg) => arg.startsWith('--only='))?.slice(7).split(',').map(Number);
// down: a stopped process stays down; cut: a dependency stays unreachable; recover: quiet time after each fault.
const T = SHORT
  ? { down: 5_000, cut: 7_000, recover: 6_000, bound: 230_000 }
  : { down: 15_000, cut: 25_000, recover: 15_000, bound: 840_000 };
const CLIENTS_PER_USER = [2, 1, 2, 1]; // 4 users, 6 SSE clients
const SUBMIT_EVERY_MS = 1500; // per user
const [HEARTBEAT_MS, SHUTDOWN_TIMEOUT_MS, JOB_TIMEOUT_SECONDS] = [2000, 10_000, 60];
const ADMIN_DB_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ENTRY = (app) => `dist/apps/${app}/apps/${app}/src/main.js`;
const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
const TERMINAL_EVENT = /_(COMPLETED|FAILED)$/;

const started = Date.now();
const stamp = () => `[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s]`;
const say = (line) => process.stdout.write(`${stamp()} ${line}\n`);
const bump = (counts, key) => ((counts[key] = (counts[key] ?? 0) + 1), counts);
const listCounts = (counts) => Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}: ${n}`).join(', ') || '-';
const some = (list, n = 5) => (list.length ? ` ${list.slice(0, n).join('; ')}${list.length > n ? '; ...' : ''}` : '');
/** `url` (a postgres:// or redis:// URL) pointed at 127.0.0.1:`port`, and at database `name` when given. */
const retarget = (url, port, name) => {
  const target = new URL(url);
  if (name) target.pathname = `/${name}`;
  if (port) Object.assign(target, { hostname: '127.0.0.1', port: String(port) });
  return target.toString();
};
const freePort = () =>
  new Promise((done, fail) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
    server.once('error', fail);
  });

// ---------------------------------------------------------------- TCP proxy
/** Forwards 127.0.0.1:<port> to `target`; cut() drops every connection and refuses new ones until restore(). */
function tcpProxy(url, defaultPort) {
  const target = { host: new URL(url).hostname, port: Number(new URL(url).port || defaultPort) };
  const sockets = new Set();
  let server, port;
  const track = (socket) => {
    sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.once('close', () => sockets.delete(socket));
    return socket;
  };
  const listen = () =>
    new Promise((done, fail) => {
      server = createServer((client) => {
        const upstream = track(createConnection(target));
        track(client).pipe(upstream).pipe(client);
        const end = () => (client.destroy(), upstream.destroy());
        client.once('close', end);
        upstream.once('close', end);
      });
      server.once('error', fail);
      server.listen(port ?? 0, '127.0.0.1', () => done((port = server.address().port)));
    });
  const cut = () => {
    server?.close(); // refused from now on
    for (const socket of sockets) socket.destroy();
  };
  return { get port() { return port; }, start: listen, restore: listen, cut, close: cut };
}

// ---------------------------------------------------------------- child processes
/** A Node child in its own process group (Ctrl-C reaches only the drill); its output goes to <work>/<name>.log. */
class Child {
  constructor(name, args, env, ready, logDir) {
    Object.assign(this, { name, args, env, ready, warnings: [], unexpectedExits: [] });
    this.log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
  }

  get running() { return !!this.proc && this.proc.exitCode === null && this.proc.signalCode === null; }

  /** Starts it and resolves once it is ready (`ready.http` answers 200 or a line matches `ready.line`). */
  async start() {
    const proc = (this.proc = spawn(process.execPath, this.args, { cwd: ROOT, env: this.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true }));
    const boot = [];
    this.stopping = false;
    this.exited = new Promise((done) => proc.once('exit', (code, signal) => done({ code, signal })));
    void this.exited.then(({ code, signal }) => {
      if (!this.stopping) this.unexpectedExits.push(`${this.name} exited on its own at ${stamp()} (${signal ?? `code ${code}`})`);
    });
    for (const stream of [proc.stdout, proc.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        this.log.write(`${line}\n`);
        if (boot.length < 500) boot.push(line);
        if (/"level":"(warn|error|fatal)"|Error/.test(line)) this.warnings = [...this.warnings.slice(-19), line.slice(0, 400)];
      });
    }
    for (const deadline = Date.now() + 45_000; Date.now() < deadline; await sleep(150)) {
      if (!this.running) throw new Error(`${this.name} exited while starting:\n${boot.slice(-15).join('\n')}`);
      const up = this.ready.http
        ? await fetch(this.ready.http, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false)
        : boot.some((line) => this.ready.line.test(line));
      if (up) return;
    }
    throw new Error(`${this.name} not ready after 45 s:\n${boot.slice(-15).join('\n')}`);
  }

  /** Sends `signal` (SIGKILL after graceMs); resolves with the exit code or signal and the seconds it took. */
  async stop(signal = 'SIGTERM', graceMs = SHUTDOWN_TIMEOUT_MS + 5000) {
    if (!this.running) return { code: this.proc?.exitCode, signal: this.proc?.signalCode, seconds: 0 };
    this.stopping = true;
    const t0 = performance.now();
    this.proc.kill(signal);
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return { ...exit, seconds: (performance.now() - t0) / 1000 };
  }
}

// ---------------------------------------------------------------- SSE client
/** Reads the stream as EventSource does; whenever it drops (or is refused) it waits `retry` ms and reconnects with Last-Event-ID. */
class SseClient {
  constructor(name, user, url, token) {
    Object.assign(this, { name, user, url, token, frames: [], control: 0, connects: 0, errors: {}, retryMs: 3000, closed: false });
    this.opened = new Promise((done) => (this.markOpen = done));
  }

  async run() {
    while (!this.closed) {
      this.abort = new AbortController();
      try {
        const headers = { Authorization: `Bearer ${this.token}`, Accept: 'text/event-stream' };
        if (this.lastId !== undefined) headers['Last-Event-ID'] = this.lastId;
        const response = await fetch(this.url, { headers, signal: this.abort.signal });
        if (response.status === 200) {
          this.connects += 1;
          this.markOpen();
          await this.read(response.body);
        } else {
          bump(this.errors, response.status);
          await response.body?.cancel();
        }
      } catch (error) {
        if (!this.closed) bump(this.errors, error.cause?.code ?? error.name);
      }
      if (!this.closed) await sleep(this.retryMs);
    }
  }

  /** Parses SSE lines; a stream silent for three heartbeats is treated as dead. */
  async read(body) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '', data, watchdog;
    const alive = () => (clearTimeout(watchdog), (watchdog = setTimeout(() => this.abort.abort(), 3 * HEARTBEAT_MS)));
    try {
      for (alive(); ; alive()) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
          const line = buffer.slice(0, end).replace(/\r$/, '');
          buffer = buffer.slice(end + 1);
          if (line === '') {
            if (data !== undefined) this.dispatch(data);
            data = undefined;
          } else if (!line.startsWith(':')) {
            const colon = line.indexOf(':');
            const [field, text] = colon < 0 ? [line, ''] : [line.slice(0, colon), line.slice(colon + 1).replace(/^ /, '')];
            if (field === 'id') this.idBuffer = text;
            else if (field === 'data') data = data === undefined ? text : `${data}\n${text}`;
            else if (field === 'retry' && /^\d+$/.test(text)) this.retryMs = Number(text);
          }
        }
      }
    } finally {
      clearTimeout(watchdog);
    }
  }

  /** As EventSource, the id buffer carries over frames without `id:`; a frame without an id in its data (a greeting) is no event. */
  dispatch(data) {
    this.lastId = this.idBuffer;
    const event = JSON.parse(data);
    if (!/^\d+$/.test(event.id ?? '')) return void (this.control += 1);
    const id = BigInt(event.id).toString(); // ids may be zero-padded
    this.frames.push({ id, type: event.type, idsAgree: /^\d+$/.test(this.lastId ?? '') && BigInt(this.lastId).toString() === id });
  }

  close() {
    this.closed = true;
    this.abort?.abort();
  }
}

// ---------------------------------------------------------------- load
const TEMPLATE = JSON.parse(readFileSync(join(ROOT, 'examples/chatgpt-export.json'), 'utf8'));
/** The sample export with ids and titles of its own, so no two submissions are alike. */
function exportFor(user, n) {
  return JSON.stringify(
    TEMPLATE.map((conversation, i) => {
      const id = conversation.id.slice(0, -12) + createHash('sha256').update(`${user}/${n}/${i}`).digest('hex').slice(0, 12);
      return { ...conversation, id, conversation_id: id, title: conversation.title === null ? null : `${conversation.title} (${user} #${n})` };
    }),
  );
}

/** Each user POSTs an export every SUBMIT_EVERY_MS until `load.on` turns false; outcomes are counted per fault phase. */
function startLoad(base, users, token) {
  const load = { submitted: 0, accepted: new Map(), rejected: {}, phases: {}, phase: 'steady', on: true };
  const reject = (why) => (bump(load.rejected, why), bump((load.phases[load.phase] ??= {}), why));
  load.done = Promise.all(
    users.map(async (user, i) => {
      await sleep((i * SUBMIT_EVERY_MS) / users.length);
      for (let n = 1; load.on; n += 1) {
        const t0 = Date.now();
        load.submitted += 1;
        try {
          const response = await fetch(`${base}/v1/graph-ai/test/generate-json`, {
            method: 'POST', headers: { Authorization: `Bearer ${token(user)}`, 'Content-Type': 'application/json' },
            body: exportFor(user, n), signal: AbortSignal.timeout(20_000),
          });
          const body = await response.json().catch(() => ({}));
          if (response.status === 202) load.accepted.set(body.taskId, user);
          else reject(`${response.status} ${body.code ?? ''}`.trim());
        } catch (error) {
          reject(`no response (${error.cause?.code ?? error.name})`);
        }
        await sleep(Math.max(0, SUBMIT_EVERY_MS - (Date.now() - t0)));
      }
    }),
  );
  return load;
}

// ---------------------------------------------------------------- the world
const work = ARGS[0] === '--emulator' ? undefined : mkdtempSync(join(tmpdir(), 'drill-'));
const dbName = `drill_${randomBytes(4).toString('hex')}`;
const world = { children: [], proxies: [], clients: [], dbCreated: false };

/** Database, proxies, a persistent emulator, then api, worker and AI simulator through them. */
async function setUp() {
  const admin = new pg.Client({ connectionString: ADMIN_DB_URL, connectionTimeoutMillis: 5000 });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`).finally(() => admin.end());
  world.dbCreated = true;
  const [pgProxy, redisProxy] = (world.proxies = [tcpProxy(ADMIN_DB_URL, 5432), tcpProxy(REDIS_URL, 6379)]);
  await Promise.all(world.proxies.map((proxy) => proxy.start()));

  const [emulatorPort, apiPort] = [await freePort(), await freePort()];
  const endpoint = `http://127.0.0.1:${emulatorPort}`;
  const emulator = new Child('emulator', [SELF, '--emulator', String(emulatorPort), join(work, 'fauxqs')], { PATH: process.env.PATH }, { line: /emulator ready/ }, work);
  world.children.push(emulator);
  await emulator.start();
  const queues = await provision({ endpoint, bucket: 'drill-payloads', queues: ['drill-requests', 'drill-results'] });
  world.sqs = new SQSClient({ endpoint, region: 'us-east-1', credentials: EMULATOR_CREDENTIALS });

  const jwtSecret = `drill-${randomBytes(24).toString('hex')}`;
  const common = {
    PATH: process.env.PATH, NODE_ENV: 'test', LOG_FORMAT: 'json', SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
    AWS_ENDPOINT_URL: endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey, S3_PAYLOAD_BUCKET: 'drill-payloads',
    SQS_REQUEST_QUEUE_URL: queues['drill-requests'], SQS_RESULT_QUEUE_URL: queues['drill-results'],
  };
  const services = {
    DATABASE_URL: retarget(ADMIN_DB_URL, pgProxy.port, dbName), REDIS_URL: retarget(REDIS_URL, redisProxy.port),
    JOB_EVENTS_NAMESPACE: `drill-${randomBytes(6).toString('hex')}`, JOB_TIMEOUT_SECONDS: String(JOB_TIMEOUT_SECONDS),
  };
  const base = `http://127.0.0.1:${apiPort}`;
  const apiEnv = { ...common, ...services, PORT: String(apiPort), HOST: '127.0.0.1', JWT_SECRET: jwtSecret, SSE_HEARTBEAT_MS: String(HEARTBEAT_MS) };
  const api = new Child('api', [ENTRY('api')], apiEnv, { http: `${base}/health/ready` }, work);
  const workerEnv = { ...common, ...services, WORKER_WAIT_TIME_SECONDS: '1', JOB_SWEEP_INTERVAL_MS: '1000' };
  const worker = new Child('worker', [ENTRY('worker')], workerEnv, { line: /worker consuming/ }, work);
  const simulator = new Child('ai-simulator', [ENTRY('ai-simulator')], { ...common, AI_SIMULATOR_STEP_DELAY_MS: '100' }, { line: /consuming/ }, work);
  world.children.push(api, worker, simulator);
  await Promise.all([worker.start(), simulator.start()]); // the worker migrates the database first
  await api.start();
  say(`up: emulator ${endpoint} (persistent), api ${base}, worker, AI simulator; database and Redis through proxies :${pgProxy.port} :${redisProxy.port}`);
  return { base, jwtSecret, queues, emulator, emulatorPort, api, worker, simulator, pgProxy, redisProxy };
}

async function queueDepth(url) {
  const { Attributes: a } = await world.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
  return Number(a.ApproximateNumberOfMessages) + Number(a.ApproximateNumberOfMessagesNotVisible);
}

/** Every message of a dead-letter queue (left there, only made invisible), counted by its `reason` attribute. */
async function deadLetters(url) {
  const reasons = {};
  const total = await queueDepth(url);
  for (let seen = 0, empty = 0; seen < total && empty < 3; ) {
    const { Messages = [] } = await world.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 120, MessageAttributeNames: ['All'] }));
    for (const message of Messages) bump(reasons, message.MessageAttributes?.reason?.StringValue?.slice(0, 120) ?? '(no reason)');
    seen += Messages.length;
    empty = Messages.length ? 0 : empty + 1;
  }
  return { total, reasons };
}

// ---------------------------------------------------------------- faults
/** The faults in order; each resolves with a line saying what happened. SIGTERM exits are recorded in `sigterms`. */
function faultPlan(w, sigterms) {
  const bounce = async (child, signal) => {
    const exit = await child.stop(signal);
    if (signal === 'SIGTERM') sigterms.push({ who: `${child.name} (fault)`, ...exit });
    await sleep(T.down);
    const t0 = Date.now();
    await child.start();
    return `exited ${exit.signal ?? `with ${exit.code}`} in ${exit.seconds.toFixed(2)} s; down ${T.down / 1000} s; ready again in ${((Date.now() - t0) / 1000).toFixed(1)} s`;
  };
  const cut = async (proxy) => {
    proxy.cut();
    await sleep(T.cut);
    await proxy.restore();
    return `unreachable for ${T.cut / 1000} s, restored`;
  };
  const stopEmulator = async () => {
    const depths = () => Promise.all([w.queues['drill-requests'], w.queues['drill-results']].map(queueDepth));
    const before = await depths();
    await w.emulator.stop('SIGKILL');
    await sleep(T.cut);
    await w.emulator.start();
    const { QueueUrls = [] } = await world.sqs.send(new ListQueuesCommand({}));
    const after = await depths();
    return `killed for ${T.cut / 1000} s, restarted on :${w.emulatorPort} with ${QueueUrls.length} queues; request/result messages ${before.join('/')} before, ${after.join('/')} after`;
  };
  return [
    ['SIGTERM api', () => bounce(w.api, 'SIGTERM')],
    ['kill -9 api', () => bounce(w.api, 'SIGKILL')],
    ['SIGTERM worker', () => bounce(w.worker, 'SIGTERM')],
    ['kill -9 worker', () => bounce(w.worker, 'SIGKILL')],
    ['cut Redis', () => cut(w.redisProxy)],
    ['stop emulator', stopEmulator],
    ['cut database', () => cut(w.pgProxy)],
  ];
}

// ---------------------------------------------------------------- the drill
async function main() {
  setTimeout(() => void abort(`drill exceeded its bound of ${T.bound / 1000} s`), T.bound).unref();
  say(`drill (${SHORT ? 'short' : 'full'} form): database ${dbName}, logs in ${work}`);
  const w = await setUp();

  // SSE clients first (they start at since=0, so every event of their user counts), then steady submissions.
  const users = CLIENTS_PER_USER.map((_, i) => `drill-user-${i + 1}`);
  const token = (user) => signDevToken(user, w.jwtSecret, { ttlSeconds: 3600 });
  users.forEach((user, i) => {
    for (let c = 1; c <= CLIENTS_PER_USER[i]; c += 1) world.clients.push(new SseClient(`${user}/sse-${c}`, user, `${w.base}/v1/notifications/stream?since=0`, token(user)));
  });
  const clientRuns = world.clients.map((client) => client.run());
  await Promise.all(world.clients.map((client) => client.opened));
  const load = startLoad(w.base, users, token);
  say(`load: ${users.length} users, one export every ${SUBMIT_EVERY_MS} ms each; ${world.clients.length} SSE clients`);
  await sleep(T.recover);

  const sigterms = [];
  const faults = faultPlan(w, sigterms);
  for (const [i, [name, run]] of faults.entries()) {
    if (ONLY && !ONLY.includes(i + 1)) continue;
    say(`fault ${i + 1}/${faults.length}: ${name} ...`);
    load.phase = name;
    say(`fault ${i + 1}/${faults.length}: ${name}: ${await run()}`);
    load.phase = `after ${name}`;
    await sleep(T.recover);
  }

  // Stop submitting; wait for every job to end, then for the streams to catch up.
  load.on = false;
  await load.done;
  const db = new pg.Client({ connectionString: retarget(ADMIN_DB_URL, undefined, dbName) });
  await db.connect();
  const query = async (sql) => (await db.query(sql)).rows;
  say(`load stopped after ${load.submitted} submissions; waiting for every job to end (at most ${JOB_TIMEOUT_SECONDS + 30} s)`);
  for (const drainBy = Date.now() + (JOB_TIMEOUT_SECONDS + 30) * 1000; Date.now() < drainBy; await sleep(1000)) {
    if ((await query(`SELECT count(*)::int AS n FROM jobs WHERE status IN ('QUEUED', 'RUNNING')`))[0].n === 0) break;
  }
  const newest = new Map((await query(`SELECT user_id, max(id)::text AS id FROM job_events GROUP BY user_id`)).map((r) => [r.user_id, r.id]));
  const behind = () => world.clients.some((client) => newest.has(client.user) && client.frames.at(-1)?.id !== newest.get(client.user));
  for (const catchUpBy = Date.now() + 2 * HEARTBEAT_MS + 5000; Date.now() < catchUpBy && behind(); ) await sleep(200);
  for (const client of world.clients) client.close();
  await Promise.all(clientRuns);
  for (const child of [w.api, w.worker, w.simulator]) sigterms.push({ who: `${child.name} (end)`, ...(await child.stop('SIGTERM')) });

  const evidence = {
    load, users, sigterms,
    resultDlq: await deadLetters(w.queues['drill-results-dlq']),
    requestDlq: await deadLetters(w.queues['drill-requests-dlq']),
    jobs: await query(`SELECT task_id, user_id, kind, status, error_code FROM jobs`),
    events: await query(`SELECT id::text, user_id, task_id, type FROM job_events ORDER BY id`),
    graphs: await query(`SELECT user_id, version, task_id FROM graphs`),
    late: (await query(`SELECT count(*)::int AS n FROM late_results`))[0].n,
    unexpected: world.children.flatMap((child) => child.unexpectedExits),
  };
  await db.end();
  return report(evidence);
}

// ---------------------------------------------------------------- report
/** Prints one figure per line and the verdict; true when it is PASS. */
function report({ load, users, sigterms, resultDlq, requestDlq, jobs, events, graphs, late, unexpected }) {
  const lines = [];
  const fig = (label, value) => lines.push(`${label}: ${value}`);
  const byTask = new Map(jobs.map((job) => [job.task_id, job]));
  const status = {}, failures = {};
  for (const job of jobs) {
    bump(status, job.status);
    if (job.status === 'FAILED') bump(failures, job.error_code ?? '(none)');
  }
  const accepted = [...load.accepted.keys()].map((taskId) => byTask.get(taskId)).filter(Boolean);
  const stuck = jobs.filter((job) => !TERMINAL.has(job.status)).map((job) => `${job.task_id} ${job.status}`);
  const missing = [...load.accepted.keys()].filter((taskId) => !byTask.has(taskId));
  const count = (list, wanted) => list.filter((job) => job.status === wanted).length;
  fig('submitted', load.submitted);
  fig('accepted (202)', load.accepted.size);
  fig('rejected', `${load.submitted - load.accepted.size} (${listCounts(load.rejected)})`);
  for (const [phase, counts] of Object.entries(load.phases)) fig(`rejected during ${phase}`, listCounts(counts));
  fig('jobs in the database', `${jobs.length} (${listCounts(status)}), of which not answered 202: ${jobs.filter((job) => !load.accepted.has(job.task_id)).length}`);
  fig('terminal (accepted jobs)', `${accepted.filter((job) => TERMINAL.has(job.status)).length} (SUCCEEDED ${count(accepted, 'SUCCEEDED')}, FAILED ${count(accepted, 'FAILED')})`);
  fig('failed by errorCode (all jobs)', listCounts(failures));
  fig('stuck (not terminal)', `${stuck.length}${some(stuck)}`);
  fig('accepted but not in the jobs table', `${missing.length}${some(missing)}`);

  // Effects: one REQUESTED and at most one terminal event per job, agreeing with its status; one graph version per success.
  const perTask = new Map();
  for (const event of events) {
    const entry = perTask.get(event.task_id) ?? { requested: 0, terminal: [] };
    if (event.type.endsWith('_REQUESTED')) entry.requested += 1;
    if (TERMINAL_EVENT.test(event.type)) entry.terminal.push(event.type);
    perTask.set(event.task_id, entry);
  }
  const duplicates = [], mismatches = [];
  for (const job of jobs) {
    const { requested = 0, terminal = [] } = perTask.get(job.task_id) ?? {};
    const said = `${job.task_id}: ${requested} REQUESTED, terminal ${terminal.join('+') || '-'}, status ${job.status}`;
    if (requested > 1 || terminal.length > 1) duplicates.push(said);
    const expected = { SUCCEEDED: /_COMPLETED$/, FAILED: /_FAILED$/ }[job.status];
    if (requested === 0 || (expected ? !terminal.length || !terminal.every((type) => expected.test(type)) : terminal.length > 0)) mismatches.push(said);
  }
  const versions = [];
  for (const graph of graphs) {
    const succeeded = jobs.filter((job) => job.user_id === graph.user_id && job.kind === 'GRAPH_GENERATION' && job.status === 'SUCCEEDED').length;
    versions.push(`${graph.user_id} v${graph.version}/${succeeded}`);
    if (graph.version > succeeded) duplicates.push(`${graph.user_id}: graph version ${graph.version} after ${succeeded} succeeded generations`);
    if (byTask.get(graph.task_id)?.status !== 'SUCCEEDED') mismatches.push(`${graph.user_id}: graph written by ${graph.task_id}, which did not succeed`);
  }
  fig('duplicate effects', `${duplicates.length}${some(duplicates)}`);
  fig('ledger mismatches (job status vs its events)', `${mismatches.length}${some(mismatches)}`);
  fig('graph versions (version/succeeded generations)', versions.sort().join(', ') || '-');
  fig('late results kept', late);

  // Streams: each client against its user's log.
  const logs = new Map(users.map((user) => [user, new Map()]));
  for (const event of events) logs.get(event.user_id)?.set(event.id, event);
  for (const user of users) fig(`events in the log, ${user}`, logs.get(user).size);
  const total = { lost: 0, duplicated: 0, outOfOrder: 0, altered: 0 };
  for (const client of world.clients) {
    const log = logs.get(client.user);
    const seen = new Set();
    const mine = { lost: 0, duplicated: 0, outOfOrder: 0, altered: 0 };
    let max = -1n;
    for (const frame of client.frames) {
      const id = BigInt(frame.id);
      if (seen.has(frame.id)) mine.duplicated += 1;
      else if (id < max) mine.outOfOrder += 1;
      if (log.get(frame.id)?.type !== frame.type || !frame.idsAgree) mine.altered += 1;
      seen.add(frame.id);
      if (id > max) max = id;
    }
    const lost = [...log.keys()].filter((id) => !seen.has(id));
    mine.lost = lost.length;
    for (const key of Object.keys(total)) total[key] += mine[key];
    const errors = Object.keys(client.errors).length ? `, dropped/refused ${listCounts(client.errors)}` : '';
    const lostIds = lost.length ? ` (${some(lost.map((id) => `id ${id} ${log.get(id).type} ${log.get(id).task_id}`), 3).trim()})` : '';
    const faults = `lost ${mine.lost}${lostIds}, duplicated ${mine.duplicated}, out of order ${mine.outOfOrder}, not as in the log ${mine.altered}`;
    fig(`delivered, ${client.name}`, `${client.frames.length} (connections ${client.connects}${errors}; ${faults})`);
  }
  fig('lost', total.lost);
  fig('duplicated', total.duplicated);
  fig('out of order', total.outOfOrder);
  fig('not as in the log (unknown id, other type, SSE id differs)', total.altered);

  const badSigterms = sigterms.filter((s) => s.code !== 0 || s.seconds * 1000 > SHUTDOWN_TIMEOUT_MS);
  for (const s of sigterms) fig(`SIGTERM ${s.who}`, `exit ${s.code ?? s.signal} in ${s.seconds.toFixed(2)} s`);
  fig('unexpected exits', `${unexpected.length}${some(unexpected)}`);
  fig('result DLQ depth', `${resultDlq.total} (${listCounts(resultDlq.reasons)})`);
  fig('request DLQ depth', `${requestDlq.total} (${listCounts(requestDlq.reasons)})`);

  const problems = [
    [stuck.length + missing.length, 'stuck'], [duplicates.length, 'duplicate effects'], [mismatches.length, 'ledger mismatches'],
    [total.lost, 'lost'], [total.duplicated, 'duplicated'], [total.outOfOrder, 'out of order'], [total.altered, 'not as in the log'],
    [badSigterms.length, `SIGTERM not exit 0 within ${SHUTDOWN_TIMEOUT_MS / 1000} s`], [unexpected.length, 'unexpected exits'],
    [resultDlq.reasons['(no reason)'] ?? 0, 'dead letters without reason'],
  ].filter(([n]) => n > 0);
  const verdict = problems.length ? `FAIL (${problems.map(([n, what]) => `${n} ${what}`).join(', ')})` : 'PASS';
  process.stdout.write(`\n${lines.join('\n')}\nverdict: ${verdict} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  return problems.length === 0;
}

// ---------------------------------------------------------------- clean-up and entry
let cleaning;
function cleanup() {
  cleaning ??= (async () => {
    for (const client of world.clients) client.close();
    await Promise.all(world.children.map((child) => child.stop('SIGKILL', 2000).catch(() => undefined)));
    for (const proxy of world.proxies) proxy.close();
    world.sqs?.destroy();
    if (!world.dbCreated) return;
    const admin = new pg.Client({ connectionString: ADMIN_DB_URL, connectionTimeoutMillis: 5000 });
    await admin.connect().then(() => admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`)).finally(() => admin.end())
      .catch((error) => say(`could not drop database ${dbName}: ${error.message}`));
  })();
  return cleaning;
}

async function abort(error) {
  say(`drill failed: ${error?.stack ?? error}`);
  for (const child of world.children) if (child.warnings.length) say(`last warnings of ${child.name}:\n  ${child.warnings.slice(-8).join('\n  ')}`);
  await cleanup();
  say(`logs kept in ${work}`);
  process.exit(1);
}

if (ARGS[0] === '--emulator') {
  // fauxqs with its SQLite store: queues, messages (in flight too) and objects survive a kill and restart.
  // startFauxqs listens on all interfaces (its buildApp, which can bind loopback only, has no persistence).
  const { startFauxqs } = await import('fauxqs');
  await startFauxqs({ port: Number(ARGS[1]), dataDir: ARGS[2], logger: false });
  process.stdout.write('emulator ready\n');
} else {
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void abort(`${signal} received`));
  process.on('uncaughtException', (error) => void abort(error));
  process.on('unhandledRejection', (error) => void abort(error));
  process.on('exit', () => world.children.forEach((child) => child.running && child.proc.kill('SIGKILL')));
  const passed = await main().catch(abort);
  await cleanup();
  if (passed && !ARGS.includes('--keep-logs')) rmSync(work, { recursive: true, force: true });
  else say(`logs kept in ${work}`);
  process.exit(passed ? 0 : 1);
}
