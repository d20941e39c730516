// The embedded local run (what `npm start` ends in, after scripts/local.sh has
// built the apps): fauxqs for SQS + S3 on loopback, the AI simulator and the
// api+worker process as children, then it prints where to look. Ctrl-C stops
// everything and exits 0; a child that dies on its own stops everything, exit 1.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DEV_ONLY_JWT_SECRET, DEV_USER_ID, signDevToken } from './dev-token.mjs';
import { EMULATOR_CREDENTIALS, provision, startEmulator } from './emulator.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const HOST = env.HOST || '127.0.0.1';
const PORT = env.PORT || '3000';
const BUCKET = env.S3_PAYLOAD_BUCKET || 'graphnode-payloads';
const [REQUEST_QUEUE, RESULT_QUEUE] = ['graphnode-requests', 'graphnode-results'];
const ENTRIES = {
  'ai-sim': 'dist/apps/ai-simulator/apps/ai-simulator/src/main.js',
  'api+worker': 'dist/apps/local/apps/local/src/main.js',
};
const [READY_TIMEOUT_MS, KILL_AFTER_MS] = [60_000, 10_000];

const children = new Map();
let emulator, stopping = false;

const say = (line) => process.stdout.write(`[local] ${line}\n`);

async function main() {
  for (const [name, entry] of Object.entries(ENTRIES)) {
    if (!existsSync(join(ROOT, entry))) throw new Error(`${name}: ${entry} is missing; build first (npm start does)`);
  }
  // An AWS_ENDPOINT_URL from the environment means "use that emulator instead of starting fauxqs".
  const endpoint = env.AWS_ENDPOINT_URL || (await startLocalEmulator());
  const urls = await provision({ endpoint, region: env.AWS_REGION || 'us-east-1', bucket: BUCKET, queues: [REQUEST_QUEUE, RESULT_QUEUE] });
  say(`SQS + S3 emulator at ${endpoint}: bucket ${BUCKET}, queues ${REQUEST_QUEUE} and ${RESULT_QUEUE} (each with a DLQ)`);
  const shared = {
    ...env,
    AWS_ENDPOINT_URL: endpoint, AWS_REGION: env.AWS_REGION || 'us-east-1', S3_PAYLOAD_BUCKET: BUCKET,
    AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID || EMULATOR_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY || EMULATOR_CREDENTIALS.secretAccessKey,
    SQS_REQUEST_QUEUE_URL: env.SQS_REQUEST_QUEUE_URL || urls[REQUEST_QUEUE],
    SQS_RESULT_QUEUE_URL: env.SQS_RESULT_QUEUE_URL || urls[RESULT_QUEUE],
    LOG_FORMAT: env.LOG_FORMAT || 'pretty', NODE_ENV: env.NODE_ENV || 'development',
  };
  const jwtSecret = env.JWT_SECRET || DEV_ONLY_JWT_SECRET;
  const pgliteDir = resolve(ROOT, env.PGLITE_DATA_DIR || '.local/pglite');
  mkdirSync(pgliteDir, { recursive: true });
  start('ai-sim', shared);
  start('api+worker', { ...shared, HOST, PORT, JWT_SECRET: jwtSecret, PGLITE_DATA_DIR: pgliteDir });
  await waitForReady(`http://${HOST}:${PORT}/health/ready`);
  printWelcome(`http://${HOST}:${PORT}`, signDevToken(DEV_USER_ID, jwtSecret));
}

async function startLocalEmulator() {
  const port = Number(env.LOCAL_EMULATOR_PORT || 4566);
  emulator = await startEmulator({ host: '127.0.0.1', port }).catch((error) => {
    throw error?.code === 'EADDRINUSE' ? new Error(`port ${port} is in use; set LOCAL_EMULATOR_PORT to a free port`) : error;
  });
  return emulator.endpoint;
}

function start(name, childEnv) {
  // Own process group: a terminal Ctrl-C reaches only this launcher, which stops the children in order.
  const options = { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true };
  const child = spawn(process.execPath, ['--enable-source-maps', ENTRIES[name]], options);
  children.set(name, child);
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => process.stdout.write(`[${name}] ${line}\n`));
  }
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) void shutdown(1, `${name} exited unexpectedly (${signal ?? `code ${code}`}); stopping everything`);
  });
}

async function waitForReady(url) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!stopping && Date.now() < deadline) {
    const status = await fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.status, () => 0);
    if (status === 200) return;
    await new Promise((done) => setTimeout(done, 500));
  }
  if (!stopping) throw new Error(`${url} did not answer 200 within ${READY_TIMEOUT_MS / 1000} s`);
}

function sampleConversationsFile() {
  const shared = resolve(ROOT, '../shared/contract/files/conversations.json');
  if (existsSync(shared)) return shared;
  const file = join(ROOT, '.local/sample-conversations.json');
  const message = (id, role, text, parent, children) => ({ id, message: { id, author: { role }, content: { content_type: 'text', parts: [text] } }, parent, children });
  const sample = [
    { id: 'sample-1', title: 'Scatter plots with D3', create_time: 1732250000, update_time: 1732250420, mapping: { u1: message('u1', 'user', 'How do I draw a scatter plot with D3?', null, ['a1']), a1: message('a1', 'assistant', 'Bind circles to your data and use d3-scale.', 'u1', []) } },
    { id: 'sample-2', title: 'Kimchi stew recipe', create_time: 1732260000, update_time: 1732260100, mapping: { m1: message('m1', 'user', 'How do I make kimchi stew?', null, ['m2']), m2: message('m2', 'assistant', 'Fry ripe kimchi with pork first.', 'm1', []) } },
  ];
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(sample, null, 2)}\n`);
  return file;
}

function printWelcome(baseUrl, token) {
  const file = relative(process.cwd(), sampleConversationsFile());
  const auth = `-H 'Authorization: Bearer ${token}'`;
  process.stdout.write(`
GraphNode is running at ${baseUrl} (user ${DEV_USER_ID}, token valid 24 h; Ctrl-C stops everything)

Dev token:
  ${token}

Watch notifications:
  curl -N ${auth} ${baseUrl}/v1/notifications/stream

Start a graph job from a ChatGPT export:
  curl -sS -X POST ${auth} -H 'Content-Type: application/json' --data-binary @${file} ${baseUrl}/v1/graph-ai/test/generate-json

`);
}

async function shutdown(code, reason) {
  if (stopping) return;
  stopping = true;
  say(reason);
  const exits = [...children.entries()].map(([name, child]) => stopChild(name, child));
  await Promise.all(exits);
  await emulator?.close().catch((error) => say(`emulator close failed: ${error.message}`));
  process.exit(code);
}

function stopChild(name, child) {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    const timer = setTimeout(() => {
      say(`${name} did not stop within ${KILL_AFTER_MS / 1000} s; killing it`);
      child.kill('SIGKILL');
    }, KILL_AFTER_MS);
    child.once('exit', () => done(clearTimeout(timer)));
    child.kill('SIGTERM');
  });
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => void shutdown(0, `${signal} received; stopping`));
}

main().catch((error) => shutdown(1, `start-up failed: ${error.message}`));
