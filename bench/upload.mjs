// Streamed export uploads against bare SDK baselines, in one run against the same fauxqs.
//   npm run build   (the api runs from dist/apps/api; BENCH_DIST names another build's dist folder)
//   node bench/upload.mjs [rounds=40]
// Optional: TEST_DATABASE_URL (admin URL, default postgres://postgres@127.0.0.1:5432/test),
// BENCH_MB (size of the large export, default 200), BENCH_API_NODE_ARGS (node flags for the api,
// e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it).
//
// fauxqs runs in its own process (this file with --emulator), the compiled api in another; this
// process only sends. Exports are generated with what real ones hold: branches (a node with
// several children), null roots (client-created-root with message null), multimodal parts
// (image_asset_pointer objects beside text), CJK and emoji text, tool and system messages.
// (a) latency of POST /v1/graph-ai/test/generate-json with a 1 MiB export, p50 and p99 over
//     `rounds` (after 5 warm-ups), beside bare: PutObject + SendMessage of the same bytes from
//     this process with the same SDK and client settings (what the route does at the least), both
//     sent from memory. Target ratio <= 1.5.
// (b) peak RSS growth of the api process while it takes a BENCH_MB export, raw and zipped:
//     VmHWM after the upload (reset through /proc/<pid>/clear_refs just before) minus VmRSS just
//     before; sampled VmRSS as a fallback where clear_refs is not allowed. Target <= 64 MB.
// (c) throughput of the raw BENCH_MB upload beside a bare lib-storage Upload of the same file
//     (5 MiB parts, queue of 4: the api's settings) from this process. Target >= 0.8.
// Everything it creates (database, processes, temp files) is removed at the end.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { crc32, createDeflateRaw } from 'node:zlib';
import { signDevToken } from '../scripts/dev-token.mjs';
import { adminQuery, stopProcess } from './support.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const DIST = process.env.BENCH_DIST ?? join(ROOT, 'dist');
const API_MAIN = join(DIST, 'apps/api/apps/api/src/main.js');
const MiB = 1024 * 1024;

async function main() {
  const ROUNDS = Number(process.argv[2] ?? 40);
  const WARMUP = 5;
  const LARGE_MB = Number(process.env.BENCH_MB ?? 200);
  if (!existsSync(API_MAIN)) throw new Error(`${API_MAIN} is missing: run npm run build first (or set BENCH_DIST)`);
  const require = createRequire(import.meta.url);
  const { S3Client, PutObjectCommand, DeleteObjectCommand, ListObjectsV2Command } = await import('@aws-sdk/client-s3');
  const { SQSClient, SendMessageCommand, PurgeQueueCommand } = await import('@aws-sdk/client-sqs');
  const { Upload } = await import('@aws-sdk/lib-storage');
  const { provision, EMULATOR_CREDENTIALS } = await import('../scripts/emulator.mjs');

  const cleanups = [];
  const cleanup = async () => {
    for (const step of cleanups.splice(0).reverse()) await step().catch((error) => console.error(`cleanup: ${error.message}`));
  };
  process.on('SIGINT', () => void cleanup().finally(() => process.exit(130)));

  try {
    const emulator = spawn(process.execPath, [SELF, '--emulator'], { stdio: ['pipe', 'pipe', 'inherit'] });
    cleanups.push(() => stopProcess(emulator));
    const endpoint = await new Promise((resolve, reject) => {
      emulator.once('exit', (code) => reject(new Error(`emulator exited (${code})`)));
      emulator.stdout.once('data', (chunk) => resolve(JSON.parse(String(chunk)).endpoint));
    });
    const bucket = 'bench-payloads';
    const queueUrl = (await provision({ endpoint, bucket, queues: ['bench-requests'] }))['bench-requests'];
    const aws = { endpoint, region: 'us-east-1', credentials: EMULATOR_CREDENTIALS };
    // The api's own client settings (no checksums unless required), so the bare side does no extra work.
    const s3 = new S3Client({ ...aws, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
    const sqs = new SQSClient(aws);
    cleanups.push(async () => (s3.destroy(), sqs.destroy()));
    /** The emulator holds objects in memory: empty the bucket and queue between phases. */
    const clearAws = async () => {
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      for (const object of listed.Contents ?? []) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key }));
      await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl })).catch(() => undefined);
    };

    const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    const dbName = `bench_upload_${process.pid}`;
    await adminQuery(adminUrl, `CREATE DATABASE ${dbName}`);
    cleanups.push(() => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
    const databaseUrl = new URL(adminUrl);
    databaseUrl.pathname = `/${dbName}`;

    const dir = mkdtempSync(join(tmpdir(), 'bench-upload-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const small = join(dir, 'small.json');
    writeFileSync(small, exportOfSize(1 * MiB, 1));
    const large = join(dir, 'large.json');
    await writeLargeExport(large, LARGE_MB * 1e6);
    const zipped = join(dir, 'large.zip');
    await zipFile(large, zipped, join(dir, 'deflated.bin'));
    const sizes = { small: statSync(small).size, large: statSync(large).size, zipped: statSync(zipped).size };

    const api = await startApi({ databaseUrl: databaseUrl.toString(), endpoint, bucket, queueUrl, credentials: EMULATOR_CREDENTIALS });
    cleanups.push(() => stopProcess(api.child));
    const token = signDevToken('bench-user', api.secret);
    const post = (file, contentType, size) => postFile(`${api.base}/v1/graph-ai/test/generate-json`, token, file, contentType, size);
    const postSmall = (bytes) => postFile(`${api.base}/v1/graph-ai/test/generate-json`, token, bytes, 'application/json', bytes.length);

    console.log(`fauxqs ${endpoint} (own process); api ${API_MAIN} (own process, pid ${api.child.pid}); PostgreSQL ${redact(adminUrl)}`);
    console.log(`exports: ${mb(sizes.small)} MB (${ROUNDS} rounds after ${WARMUP} warm-ups), ${mb(sizes.large)} MB raw, ${mb(sizes.zipped)} MB zipped`);

    // (a) latency, small export
    const smallBytes = readFileSync(small);
    const route = [];
    const bare = [];
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      const started = performance.now();
      const answer = await postSmall(smallBytes);
      const routeMs = performance.now() - started;
      if (answer.status !== 202) throw new Error(`POST answered ${answer.status}: ${answer.body}`);
      const bareStarted = performance.now();
      const key = `bare/${round}/input.json`;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: smallBytes, ContentType: 'application/json' }));
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ taskId: `bare-${round}`, s3Key: key }) }));
      const bareMs = performance.now() - bareStarted;
      if (round >= WARMUP) route.push(routeMs), bare.push(bareMs);
    }
    await clearAws();
    const [p50, p99, b50, b99] = [percentile(route, 50), percentile(route, 99), percentile(bare, 50), percentile(bare, 99)];
    console.log('\n(a) POST of a 1 MiB export vs bare PutObject + SendMessage (ms)');
    console.log(row('', 'p50', 'p99'));
    console.log(row('route', p50.toFixed(1), p99.toFixed(1)));
    console.log(row('bare', b50.toFixed(1), b99.toFixed(1)));
    console.log(row('ratio', (p50 / b50).toFixed(2), (p99 / b99).toFixed(2), 'target <= 1.5'));

    // (b) + (c) the large export, raw and zipped
    const results = {};
    for (const [label, file, contentType] of [
      ['raw', large, 'application/json'],
      ['zipped', zipped, 'application/zip'],
    ]) {
      await sleep(500);
      const memory = await rssWatch(api.child.pid);
      const started = performance.now();
      const answer = await post(file, contentType, statSync(file).size);
      const seconds = (performance.now() - started) / 1000;
      const growth = await memory.stop();
      if (answer.status !== 202) throw new Error(`POST (${label}) answered ${answer.status}: ${answer.body}`);
      results[label] = { seconds, growth };
      await clearAws();
    }
    const bareStarted = performance.now();
    await new Upload({
      client: s3,
      params: { Bucket: bucket, Key: 'bare/large.json', Body: createReadStream(large, { highWaterMark: 64 * 1024 }), ContentType: 'application/json' },
      partSize: 5 * MiB,
      queueSize: 4,
    }).done();
    const bareSeconds = (performance.now() - bareStarted) / 1000;
    await clearAws();

    console.log(`\n(b) peak RSS growth of the api while it takes the export (MB; ${memoryMethod})`);
    console.log(row('raw', (results.raw.growth / 1e6).toFixed(1), '', 'target <= 64'));
    console.log(row('zipped', (results.zipped.growth / 1e6).toFixed(1), '', 'target <= 64'));
    const throughput = (bytes, seconds) => bytes / 1e6 / seconds;
    console.log(`\n(c) ${mb(sizes.large)} MB upload throughput (MB/s)`);
    console.log(row('route raw', throughput(sizes.large, results.raw.seconds).toFixed(1), `${results.raw.seconds.toFixed(2)} s`));
    console.log(row('route zip', throughput(sizes.zipped, results.zipped.seconds).toFixed(1), `${results.zipped.seconds.toFixed(2)} s`, `(${throughput(sizes.large, results.zipped.seconds).toFixed(1)} MB/s of JSON)`));
    console.log(row('bare', throughput(sizes.large, bareSeconds).toFixed(1), `${bareSeconds.toFixed(2)} s`, 'lib-storage Upload, 5 MiB parts, queue 4'));
    console.log(row('ratio', (bareSeconds / results.raw.seconds).toFixed(2), '', 'route raw / bare, target >= 0.8'));
  } finally {
    await cleanup();
  }
}

const row = (...cells) => cells.map((cell, index) => String(cell).padEnd(index === 0 ? 11 : 10)).join(' ').trimEnd();
const mb = (bytes) => (bytes / 1e6).toFixed(1);

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

// --- exports with real oddities

/** A seeded generator: the same exports every run. */
function mulberry32(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEXTS = [
  'Tomato seedlings stretch for light; lower the lamp to 10 cm. ',
  '토마토 모종이 웃자랐어요. 빛이 부족한 것 같아요 🍅🌱 ',
  '番茄幼苗徒长，需要更多光照和较低的温度。 ',
  'トマトの苗が徒長しています。光を増やしてください。🌞 ',
  'Use `print(json.dumps(x, ensure_ascii=False))` and escape "quotes" \\ backslashes.\n',
  'Emoji with modifiers: 👩🏽‍🌾 🧑‍🍳 🇰🇷 and a real U+FFFD: \uFFFD. ',
];

/** One conversation of about `size` bytes: a null root, a system message, a branch, a multimodal part, a tool message. */
function conversation(index, size, next) {
  // Real text does not repeat: stock sentences mixed with generated words and numbers (it compresses about as much as prose).
  const text = (length) => {
    let out = '';
    while (out.length < length) {
      out += next() < 0.3 ? TEXTS[Math.floor(next() * TEXTS.length)] : `${word(next)} ${word(next)} ${Math.floor(next() * 10_000)} ${word(next)}. `;
    }
    return out;
  };
  const message = (id, role, parts, contentType = 'text') => ({
    id,
    author: { role, name: role === 'tool' ? 'python' : null, metadata: {} },
    create_time: 1733123645 + index,
    update_time: null,
    content: { content_type: contentType, parts },
    status: 'finished_successfully',
    end_turn: role === 'assistant' ? true : null,
    weight: 1,
    metadata: { model_slug: 'gpt-4o', finish_details: { type: 'stop', stop_tokens: [200002] } },
    recipient: 'all',
  });
  const turns = 6;
  const chunk = Math.max(40, Math.floor(size / (turns * 2 + 2) / 1.6));
  const mapping = {
    'client-created-root': { id: 'client-created-root', message: null, parent: null, children: ['sys'] },
    sys: { id: 'sys', message: message('sys', 'system', ['']), parent: 'client-created-root', children: ['u0'] },
  };
  let parent = 'sys';
  for (let turn = 0; turn < turns; turn++) {
    const user = `u${turn}`;
    const answer = `a${turn}`;
    const parts =
      turn === 1
        ? [{ content_type: 'image_asset_pointer', asset_pointer: `file-service://file-${index}x${turn}`, size_bytes: 90412, width: 768, height: 1024, fovea: null, metadata: null }, text(chunk)]
        : [text(chunk)];
    mapping[user] = { id: user, message: message(user, 'user', parts, turn === 1 ? 'multimodal_text' : 'text'), parent, children: [answer] };
    const children = turn === 2 ? [`b${turn}`, `u${turn + 1}`] : turn < turns - 1 ? [`u${turn + 1}`] : [];
    mapping[answer] = { id: answer, message: message(answer, 'assistant', [text(chunk)]), parent: user, children: turn === 2 ? [`b${turn}`] : children };
    if (turn === 2) {
      // A regenerated answer: the conversation branches at the user's message.
      mapping[user].children.push(`r${turn}`);
      mapping[`r${turn}`] = { id: `r${turn}`, message: message(`r${turn}`, 'assistant', [text(chunk / 2)]), parent: user, children: [] };
      mapping[`b${turn}`] = { id: `b${turn}`, message: message(`b${turn}`, 'tool', [text(chunk / 4)], 'execution_output'), parent: answer, children: [`u${turn + 1}`] };
      parent = `b${turn}`;
    } else {
      parent = answer;
    }
  }
  return {
    title: `${TEXTS[index % TEXTS.length].slice(0, 24).trim()} #${index}`,
    create_time: 1733123645.318 + index,
    update_time: 1733124012.77 + index,
    mapping,
    moderation_results: [],
    current_node: parent,
    plugin_ids: null,
    conversation_id: `67a4e0b1-6c3d-800b-${String(index).padStart(4, '0')}-${randomBytes(6).toString('hex')}`,
    id: `67a4e0b1-6c3d-800b-${String(index).padStart(4, '0')}-${randomBytes(6).toString('hex')}`,
    is_archived: false,
    safe_urls: [],
    default_model_slug: 'gpt-4o',
  };
}

const SYLLABLES = ['ka', 'to', 'ma', 'ri', 'sun', 'lo', 've', 'ne', 'ba', 'shi', 'ro', 'de', '토', '마', '光', '苗', 'ga', 'el', 'ph', 'qu'];
const word = (next) => Array.from({ length: 1 + Math.floor(next() * 4) }, () => SYLLABLES[Math.floor(next() * SYLLABLES.length)]).join('');

/** The size to ask conversation() for so that one comes out at about `bytes` (the structure adds its share). */
function calibrated(bytes) {
  const sizeAt = (asked) => Buffer.byteLength(JSON.stringify(conversation(0, asked, mulberry32(99))));
  const [low, high] = [sizeAt(10_000), sizeAt(100_000)];
  const perByte = (high - low) / 90_000;
  return Math.max(1000, 10_000 + (bytes - low) / perByte);
}

function exportOfSize(bytes, seed) {
  const next = mulberry32(seed);
  const count = 20;
  const size = calibrated(bytes / count);
  return Buffer.from(JSON.stringify(Array.from({ length: count }, (_, index) => conversation(index, size, next))));
}

/** About `bytes` of export in 8,000 conversations (the route takes at most 10,000), written as it is generated. */
async function writeLargeExport(path, bytes) {
  const next = mulberry32(7);
  const count = 8000;
  const size = calibrated(bytes / count);
  const out = createWriteStream(path);
  out.write('[');
  for (let index = 0; index < count; index++) {
    const line = `${index === 0 ? '' : ',\n'}${JSON.stringify(conversation(index, size, next))}`;
    if (!out.write(line)) await new Promise((resolve) => out.once('drain', resolve));
  }
  out.end(']');
  await finished(out);
}

/** A zip as ChatGPT's: chat.html (stored) then conversations.json (deflated), sizes in the local headers. */
async function zipFile(source, target, scratch) {
  let checksum = 0;
  const deflate = createDeflateRaw({ level: 6 });
  const input = createReadStream(source);
  input.on('data', (chunk) => (checksum = crc32(chunk, checksum)));
  const written = finished(input.pipe(deflate).pipe(createWriteStream(scratch)));
  await written;
  const entries = [
    { name: 'chat.html', data: Buffer.from('<html><body>ChatGPT export</body></html>'), method: 0 },
    { name: 'conversations.json', file: scratch, method: 8, crc: checksum, compressed: statSync(scratch).size, size: statSync(source).size },
  ];
  const out = createWriteStream(target);
  const central = [];
  let offset = 0;
  for (const entry of entries) {
    const crc = entry.data ? crc32(entry.data) : entry.crc;
    const compressed = entry.data ? entry.data.length : entry.compressed;
    const size = entry.data ? entry.data.length : entry.size;
    const name = Buffer.from(entry.name);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(0x800, 6);
    header.writeUInt16LE(entry.method, 8);
    header.writeUInt32LE(crc >>> 0, 14);
    header.writeUInt32LE(compressed, 18);
    header.writeUInt32LE(size, 22);
    header.writeUInt16LE(name.length, 26);
    out.write(header);
    out.write(name);
    if (entry.data) out.write(entry.data);
    else for await (const chunk of createReadStream(entry.file)) if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    header.copy(record, 6, 4, 30);
    record.writeUInt32LE(offset, 42);
    central.push(record, name);
    offset += 30 + name.length + compressed;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  out.write(directory);
  out.end(end);
  await finished(out);
  rmSync(scratch);
}

// --- the api and its memory

/** POSTs a file (streamed from disk) or a Buffer (from memory, as the bare baseline sends it). */
function postFile(url, token, file, contentType, size) {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': contentType, 'Content-Length': size } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode, body }));
    });
    outgoing.on('error', reject);
    if (Buffer.isBuffer(file)) outgoing.end(file);
    else createReadStream(file, { highWaterMark: 64 * 1024 }).pipe(outgoing);
  });
}

let memoryMethod = 'VmHWM after a clear_refs reset, minus VmRSS before';

/** Watches the process's resident set: stop() gives the peak growth over what it was at the start, in bytes. */
async function rssWatch(pid) {
  const status = () => readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status())[1]) * 1024;
  const before = field('VmRSS');
  let resettable = true;
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    resettable = false;
    memoryMethod = 'VmRSS sampled every 10 ms, peak minus before';
  }
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, field('VmRSS'))), 10);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.resolve();
      return (resettable ? Math.max(peak, field('VmHWM')) : peak) - before;
    },
  };
}

async function startApi({ databaseUrl, endpoint, bucket, queueUrl, credentials }) {
  const port = await freePort();
  const secret = randomBytes(32).toString('hex');
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    JWT_SECRET: secret,
    SQS_REQUEST_QUEUE_URL: queueUrl,
    S3_PAYLOAD_BUCKET: bucket,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    HTTP_REQUEST_TIMEOUT_MS: '600000',
  };
  const nodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, API_MAIN], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  for (let waited = 0; ; waited += 100) {
    if (child.exitCode !== null) throw new Error(`the api exited (${child.exitCode})`);
    const live = await fetch(`${base}/health/live`).then((response) => response.ok, () => false);
    if (live) return { child, base, secret };
    if (waited > 30_000) throw new Error('the api did not come up within 30 s');
    await sleep(100);
  }
}

async function freePort() {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function redact(url) {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

// Last, so that every declaration above is initialised before main runs.
if (process.argv[2] === '--emulator') {
  const { startEmulator } = await import('../scripts/emulator.mjs');
  const emulator = await startEmulator();
  process.stdout.write(`${JSON.stringify({ endpoint: emulator.endpoint })}\n`);
  const stop = () => emulator.close().finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop).resume();
} else {
  await main();
}
