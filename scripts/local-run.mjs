// The embedded local run (what `npm start` ends in, after scripts/local.sh has
// built the apps): fauxqs for SQS + S3 on loopback, the AI simulator and the
// api+worker process as children, then it prints where to look. Ctrl-C stops
// everything and exits 0; a child that dies on its own stops everything, exit 1.
//
// Quiet by default: the children log at LOG_LEVEL=warn unless LOG_LEVEL is set
// (debug shows Nest's start-up chatter), so what they print is only warnings and
// errors, shown with the child's name. Each child tells this launcher over an IPC
// channel what is up (bootOrExit in libs/config), which becomes one ✓ line each.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
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
const SAMPLE_EXPORT = join(ROOT, 'examples/chatgpt-export.json');
const ENTRIES = {
  'ai-sim': 'dist/apps/ai-simulator/apps/ai-simulator/src/main.js',
  'api+worker': 'dist/apps/local/apps/local/src/main.js',
};
const [READY_TIMEOUT_MS, KILL_AFTER_MS] = [60_000, 10_000];

const children = new Map();
let emulator, stopping = false;

const say = (line) => process.stdout.write(`local: ${line}\n`);
const up = (components) => {
  for (const [name, detail] of Object.entries(components)) process.stdout.write(`✓ ${name.padEnd(18)} ${detail}\n`);
};

async function main() {
  for (const [name, entry] of Object.entries(ENTRIES)) {
    if (!existsSync(join(ROOT, entry))) throw new Error(`${name}: ${entry} is missing; build first (npm start does)`);
  }
  const startup = setTimeout(() => void shutdown(1, `not up within ${READY_TIMEOUT_MS / 1000} s; stopping everything`), READY_TIMEOUT_MS);
  // An AWS_ENDPOINT_URL from the environment means "use that emulator instead of starting fauxqs".
  const endpoint = env.AWS_ENDPOINT_URL || (await startLocalEmulator());
  const urls = await provision({ endpoint, region: env.AWS_REGION || 'us-east-1', bucket: BUCKET, queues: [REQUEST_QUEUE, RESULT_QUEUE] });
  up({ 'SQS + S3 emulator': `${endpoint} (bucket ${BUCKET}, queues ${REQUEST_QUEUE} and ${RESULT_QUEUE}, each with a DLQ)` });
  const shared = {
    ...env,
    AWS_ENDPOINT_URL: endpoint, AWS_REGION: env.AWS_REGION || 'us-east-1', S3_PAYLOAD_BUCKET: BUCKET,
    AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID || EMULATOR_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY || EMULATOR_CREDENTIALS.secretAccessKey,
    SQS_REQUEST_QUEUE_URL: env.SQS_REQUEST_QUEUE_URL || urls[REQUEST_QUEUE],
    SQS_RESULT_QUEUE_URL: env.SQS_RESULT_QUEUE_URL || urls[RESULT_QUEUE],
    LOG_LEVEL: env.LOG_LEVEL || 'warn', LOG_FORMAT: env.LOG_FORMAT || 'pretty', NODE_ENV: env.NODE_ENV || 'development',
    // Colours only when someone is looking (Nest honours NO_COLOR).
    NO_COLOR: env.NO_COLOR ?? (process.stdout.isTTY ? undefined : '1'),
  };
  const jwtSecret = env.JWT_SECRET || DEV_ONLY_JWT_SECRET;
  const pgliteDir = env.PGLITE_DATA_DIR || '.local/pglite'; // relative to ROOT, the children's cwd
  mkdirSync(resolve(ROOT, pgliteDir), { recursive: true });
  const simulator = start('ai-sim', shared);
  const app = start('api+worker', { ...shared, HOST, PORT, JWT_SECRET: jwtSecret, PGLITE_DATA_DIR: pgliteDir });
  up(await simulator);
  const appComponents = await app;
  await waitForHealth(`http://${HOST}:${PORT}/health/ready`);
  up(appComponents);
  clearTimeout(startup);
  printWelcome(`http://${HOST}:${PORT}`, signDevToken(DEV_USER_ID, jwtSecret));
}

async function startLocalEmulator() {
  const port = Number(env.LOCAL_EMULATOR_PORT || 4566);
  emulator = await startEmulator({ host: '127.0.0.1', port }).catch((error) => {
    throw error?.code === 'EADDRINUSE' ? new Error(`port ${port} is in use; set LOCAL_EMULATOR_PORT to a free port`) : error;
  });
  return emulator.endpoint;
}

/** Starts a child; resolves with the components it reports up (see bootOrExit). */
function start(name, childEnv) {
  // Own process group: a terminal Ctrl-C reaches only this launcher, which stops the children in order.
  const options = { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], detached: true };
  const child = spawn(process.execPath, ['--enable-source-maps', ENTRIES[name]], options);
  children.set(name, child);
  createInterface({ input: child.stdout }).on('line', (line) => relay(process.stdout, name, line));
  createInterface({ input: child.stderr }).on('line', (line) => relay(process.stderr, name, line));
  child.on('close', (code, signal) => { // 'close': after its last line was relayed
    children.delete(name);
    if (!stopping) void shutdown(1, `${name} exited unexpectedly (${signal ?? `code ${code}`}); stopping everything`);
  });
  return new Promise((ready) => child.on('message', (message) => message?.ready && ready(message.ready)));
}

/** A child's line, marked with its name: a field of a JSON log line, a prefix otherwise. */
function relay(stream, name, line) {
  let entry;
  try {
    entry = line.startsWith('{') ? JSON.parse(line) : undefined;
  } catch {
    // not JSON after all
  }
  stream.write(entry && typeof entry === 'object' ? `${JSON.stringify({ process: name, ...entry })}\n` : `[${name}] ${line}\n`);
}

async function waitForHealth(url) {
  while (!stopping) {
    const status = await fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.status, () => 0);
    if (status === 200) return;
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`stopped before ${url} answered`);
}

function printWelcome(baseUrl, token) {
  const auth = `-H 'Authorization: Bearer ${token}'`;
  const quiet = env.LOG_LEVEL ? '' : 'Only warnings and errors are logged; LOG_LEVEL=debug npm start shows everything.\n\n';
  process.stdout.write(`
GraphNode is running at ${baseUrl} (user ${DEV_USER_ID}, token valid 24 h; Ctrl-C stops everything)

Dev token:
  ${token}

Watch notifications:
  curl -N ${auth} ${baseUrl}/v1/notifications/stream

Start a graph job from the sample ChatGPT export (run from ${process.cwd()}):
  curl -sS -X POST ${auth} -H 'Content-Type: application/json' --data-binary @${relative(process.cwd(), SAMPLE_EXPORT)} ${baseUrl}/v1/graph-ai/test/generate-json

${quiet}`);
}

async function shutdown(code, reason) {
  if (stopping) return;
  stopping = true;
  say(reason);
  const exits = [...children.entries()].map(([name, child]) => stopChild(name, child));
  await Promise.all(exits);
  await emulator?.close().catch((error) => say(`emulator close failed: ${error.message}`));
  if (code === 0) say('stopped');
  process.exit(code);
}

function stopChild(name, child) {
  return new Promise((done) => {
    const timer = setTimeout(() => {
      say(`${name} did not stop within ${KILL_AFTER_MS / 1000} s; killing it`);
      child.kill('SIGKILL');
    }, KILL_AFTER_MS);
    child.once('close', () => done(clearTimeout(timer)));
    child.kill('SIGTERM'); // a no-op when it has exited already
  });
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => void shutdown(0, `${signal} received; stopping`));
}

main().catch((error) => shutdown(1, `start-up failed: ${error.message}`));
