// Worker throughput against a bare SDK loop, in one run against the same fauxqs.
//   npm run build   (the worker runs from dist/apps/worker)
//   node bench/worker-throughput.mjs [messages=5000] [rounds=3]
// Optional: BENCH_WORKER_MAIN (another build's main.js), BENCH_WORKER_NODE_ARGS (e.g. --cpu-prof),
// BENCH_WARMUP (warm-up messages per phase, default 500),
// WORKER_*/DATABASE_POOL_SIZE/LOG_LEVEL (passed to the worker), BENCH_PG_URL, BENCH_REDIS_URL.
//
// Each round enqueues WARMUP + M valid GRAPH_GENERATION_PROGRESS envelopes
// (naive timestamps, spread over 200 seeded graph jobs of 50 users) twice:
//   bare:   one @aws-sdk/client-sqs loop: ReceiveMessage (10, long poll 20 s),
//           then one DeleteMessageBatch for what it received; nothing else.
//   worker: the compiled worker (dist) as its own process, configured like
//           production: real PostgreSQL (DATABASE_URL), REDIS_URL set, defaults
//           for batch size, pollers (2), wait time and visibility. Done when the queue is
//           empty and every message has its event in job_events.
// The clock runs over the last M messages only: the first WARMUP messages of a
// phase absorb process boot, JIT and connection set-up. Rates are msg/s; the
// median of the rounds is reported. Beside each rate it prints the CPU time the
// whole machine spent per message in that window (all processes, from /proc/stat)
// and the worker rate that would fill every core at that cost: the ceiling the
// machine allows. fauxqs runs in its own process (this file
// with --emulator). PGlite is used only when PostgreSQL is not reachable, and
// the output says so. Everything it creates (processes, database) is removed.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { adminQuery, median, pool, reachable, stopProcess } from './support.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SELF = fileURLToPath(import.meta.url);

if (process.argv[2] === '--emulator') {
  // Child mode: serve fauxqs on loopback until the parent goes away.
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

async function main() {
  const M = Number(process.argv[2] ?? 5000);
  const ROUNDS = Number(process.argv[3] ?? 3);
  const WARMUP = Number(process.env.BENCH_WARMUP ?? 500);
  const USERS = 50;
  const JOBS = 200;
  const WORKER_MAIN = process.env.BENCH_WORKER_MAIN ?? join(ROOT, 'dist/apps/worker/apps/worker/src/main.js'); // override to compare builds
  if (!existsSync(WORKER_MAIN)) throw new Error(`${WORKER_MAIN} is missing: run npm run build first`);

  const require = createRequire(import.meta.url);
  const { SQSClient, ReceiveMessageCommand, DeleteMessageBatchCommand, SendMessageBatchCommand, GetQueueAttributesCommand } = await import('@aws-sdk/client-sqs');
  const { provision, EMULATOR_CREDENTIALS } = await import('../scripts/emulator.mjs');
  const { openDatabase } = require(join(ROOT, 'dist/apps/worker/libs/database/src/open-database.js'));
  const pg = require('pg');

  const cleanups = [];
  const cleanup = async () => {
    for (const step of cleanups.splice(0).reverse()) await step().catch((error) => console.error(`cleanup: ${error.message}`));
  };
  process.on('SIGINT', () => void cleanup().finally(() => process.exit(130)));

  try {
    // --- emulator, in its own process
    const emulator = spawn(process.execPath, [SELF, '--emulator'], { stdio: ['pipe', 'pipe', 'inherit'] });
    cleanups.push(() => stopProcess(emulator));
    const endpoint = await new Promise((resolve, reject) => {
      emulator.once('exit', (code) => reject(new Error(`emulator exited (${code})`)));
      emulator.stdout.once('data', (chunk) => resolve(JSON.parse(String(chunk)).endpoint));
    });
    const bucket = 'bench-payloads';
    const queues = await provision({ endpoint, bucket, queues: ['bench-results'] });
    const queueUrl = queues['bench-results'];
    const dlqUrl = queues['bench-results-dlq'];
    const sqs = new SQSClient({ endpoint, region: 'us-east-1', credentials: EMULATOR_CREDENTIALS });
    cleanups.push(async () => sqs.destroy());

    // --- database: a fresh PostgreSQL database, or PGlite when PostgreSQL is absent
    const adminUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    const dbName = `bench_worker_${process.pid}`;
    let store;
    if (await reachable(adminUrl)) {
      await adminQuery(adminUrl, `CREATE DATABASE ${dbName}`);
      cleanups.push(() => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
      const url = new URL(adminUrl);
      url.pathname = `/${dbName}`;
      store = await postgresStore(pg, openDatabase, url.toString());
    } else {
      console.log('PostgreSQL is not reachable: falling back to PGlite (data folder handed between processes); figures are not production-like');
      const dir = mkdtempSync(join(tmpdir(), 'bench-pglite-'));
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      store = await pgliteStore(openDatabase, dir);
    }
    cleanups.push(() => store.close());
    const jobs = await store.seed(USERS, JOBS);

    const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
    console.log(`fauxqs ${endpoint} (own process); ${store.label}; REDIS_URL ${redisUrl}`);
    console.log(`${JOBS} RUNNING graph jobs of ${USERS} users; per phase ${WARMUP} warm-up + ${M} timed progress messages; ${ROUNDS} rounds`);
    console.log('bare loop: 1 poller, ReceiveMessage(MaxNumberOfMessages 10, WaitTimeSeconds 20) then one DeleteMessageBatch per receive');

    let sequence = 0;
    const enqueue = async (count) => {
      const bodies = Array.from({ length: count }, () => {
        const n = sequence++;
        const job = jobs[n % jobs.length];
        return JSON.stringify({
          taskId: job.taskId,
          taskType: 'GRAPH_GENERATION_PROGRESS',
          // Each report of a job differs from its last (the worker logs no event for a repeat).
          payload: { userId: job.userId, currentStage: `[${(n % 4) + 1}단계] 처리 중`, progressPercent: Math.floor(n / jobs.length) % 100, etaSeconds: n % 7 === 0 ? null : 30 },
          timestamp: new Date(Date.UTC(2026, 10, 22, 6, 0, 0, n)).toISOString().replace('Z', '').concat('331'),
        });
      });
      const batches = [];
      for (let i = 0; i < bodies.length; i += 10) batches.push(bodies.slice(i, i + 10));
      await pool(batches, 8, async (batch, index) => {
        const sent = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: batch.map((MessageBody, i) => ({ Id: `${index}-${i}`, MessageBody })) }));
        if (sent.Failed?.length) throw new Error(`enqueue failed: ${JSON.stringify(sent.Failed[0])}`);
      });
      await untilQueue(sqs, GetQueueAttributesCommand, queueUrl, (visible, hidden) => visible === count && hidden === 0, 30_000);
    };

    const bareRates = [];
    const workerRates = [];
    const bareCpuPerMessage = [];
    const workerCpuPerMessage = [];
    for (let round = 1; round <= ROUNDS; round++) {
      // --- bare loop
      await enqueue(WARMUP + M);
      const bareClient = new SQSClient({ endpoint, region: 'us-east-1', credentials: EMULATOR_CREDENTIALS });
      let deleted = 0;
      let clockStart = 0;
      let deletedAtStart = 0;
      let cpuAtStart = 0;
      while (deleted < WARMUP + M) {
        const { Messages = [] } = await bareClient.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 20 }));
        if (Messages.length === 0) continue;
        const result = await bareClient.send(
          new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle })) }),
        );
        if (result.Failed?.length) throw new Error(`delete failed: ${JSON.stringify(result.Failed[0])}`);
        deleted += Messages.length;
        if (clockStart === 0 && deleted >= WARMUP) {
          clockStart = performance.now();
          cpuAtStart = machineCpuSeconds();
          deletedAtStart = deleted;
        }
      }
      const bareSeconds = (performance.now() - clockStart) / 1000;
      const bareCpu = machineCpuSeconds() - cpuAtStart;
      bareClient.destroy();
      const bareTimed = deleted - deletedAtStart;
      bareRates.push(bareTimed / bareSeconds);
      bareCpuPerMessage.push(bareCpu / bareTimed);

      // --- worker process
      const before = await store.eventCount();
      const mark = await store.lastEventId();
      await enqueue(WARMUP + M);
      const log = join(tmpdir(), `bench-worker-${process.pid}-${round}.log`);
      const worker = await startWorker(WORKER_MAIN, log, {
        ...store.workerEnv,
        REDIS_URL: redisUrl,
        NODE_ENV: 'production',
        AWS_ENDPOINT_URL: endpoint,
        AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
        S3_PAYLOAD_BUCKET: bucket,
        SQS_RESULT_QUEUE_URL: queueUrl,
        // A full queue answers a receive at once, so the wait only matters at the end: fauxqs hands
        // messages to a long poll whose client has gone, so keep it short and outlast it after stopping.
        WORKER_WAIT_TIME_SECONDS: '1',
        ...passThrough(process.env),
      });
      cleanups.push(() => stopProcess(worker));
      const { seconds: workerSeconds, timed: workerTimed, cpu: workerCpu } = await store.measure({
        sqs,
        GetQueueAttributesCommand,
        queueUrl,
        worker,
        log,
        mark,
        warmup: WARMUP,
        total: WARMUP + M,
      });
      await stopProcess(worker);
      cleanups.pop();
      await sleep(1500); // any receive the worker left pending in fauxqs has expired
      const events = (await store.eventCount()) - before;
      if (events !== WARMUP + M) throw new Error(`expected ${WARMUP + M} progress events, found ${events} (see ${log})`);
      const dead = await queueDepth(sqs, GetQueueAttributesCommand, dlqUrl);
      if (dead.visible + dead.hidden > 0) throw new Error(`${dead.visible + dead.hidden} messages were dead-lettered (see ${log})`);
      rmSync(log, { force: true });
      workerRates.push(workerTimed / workerSeconds);
      workerCpuPerMessage.push(workerCpu / workerTimed);

      console.log(
        `round ${round}: bare ${bareRates.at(-1).toFixed(0)} msg/s (${bareTimed} in ${bareSeconds.toFixed(2)} s, ${cpuMs(bareCpuPerMessage.at(-1))}), ` +
          `worker ${workerRates.at(-1).toFixed(0)} msg/s (${workerTimed} in ${workerSeconds.toFixed(2)} s, ${cpuMs(workerCpuPerMessage.at(-1))})`,
      );
    }

    const bare = median(bareRates);
    const worker = median(workerRates);
    console.log(`bare loop: ${bare.toFixed(0)} msg/s (median of ${ROUNDS})`);
    console.log(`worker: ${worker.toFixed(0)} msg/s (median of ${ROUNDS}; receive, validate, persist, publish, delete)`);
    if (Number.isFinite(median(workerCpuPerMessage))) {
      const cores = availableParallelism();
      const ceiling = cores / median(workerCpuPerMessage);
      console.log(
        `machine CPU per message (all processes): bare ${cpuMs(median(bareCpuPerMessage))}, worker ${cpuMs(median(workerCpuPerMessage))}; ` +
          `all ${cores} cores busy at that cost would allow the worker ${ceiling.toFixed(0)} msg/s = ${(ceiling / bare).toFixed(2)} of bare`,
      );
    }
    await cleanup();
    console.log(`worker/bare = ${(worker / bare).toFixed(2)}`);
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** Worker knobs that may be tuned from the bench's own environment. */
function passThrough(env) {
  return Object.fromEntries(Object.entries(env).filter(([name]) => /^(WORKER_|DATABASE_POOL_SIZE$|LOG_LEVEL$)/.test(name)));
}

async function postgresStore(pg, openDatabase, url) {
  const handle = await openDatabase({ url });
  await handle.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    label: 'PostgreSQL (fresh database, dropped afterwards)',
    workerEnv: { DATABASE_URL: url },
    seed: (users, count) => seedJobs((text, values) => client.query(text, values), users, count),
    async eventCount() {
      const { rows } = await client.query('SELECT count(*)::int AS n FROM job_events');
      return rows[0].n;
    },
    async lastEventId() {
      const { rows } = await client.query('SELECT coalesce(max(id), 0)::text AS id FROM job_events');
      return rows[0].id;
    },
    /**
     * Polls job_events (and then the queue): the clock starts once `warmup` events exist. Counts only ids
     * past `mark` (a primary-key range of this phase's rows), so polling every 20 ms costs Postgres little.
     */
    async measure({ sqs, GetQueueAttributesCommand, queueUrl, worker, log, mark, warmup, total }) {
      let start = 0;
      let startCount = 0;
      let cpuAtStart = 0;
      // A stall (no new event for 30 s) fails the run instead of waiting for it forever.
      let seen = -1;
      let stallDeadline = 0;
      for (;;) {
        if (worker.exitCode !== null) throw new Error(`worker exited (${worker.exitCode}); log: ${tail(log)}`);
        const { rows } = await client.query('SELECT count(*)::int AS n FROM job_events WHERE id > $1', [mark]);
        const done = rows[0].n;
        if (done !== seen) [seen, stallDeadline] = [done, Date.now() + 30_000];
        if (Date.now() > stallDeadline) throw new Error(`no new event for 30 s at ${done} of ${total}; log: ${tail(log)}`);
        if (start === 0 && done >= warmup) {
          start = performance.now();
          cpuAtStart = machineCpuSeconds();
          startCount = done;
        }
        if (done >= total) {
          const depth = await queueDepth(sqs, GetQueueAttributesCommand, queueUrl);
          if (depth.visible + depth.hidden === 0) {
            return { seconds: (performance.now() - start) / 1000, timed: total - startCount, cpu: machineCpuSeconds() - cpuAtStart };
          }
        }
        await sleep(done >= total ? 5 : 20);
      }
    },
    close: () => client.end(),
  };
}

/** PGlite cannot be shared: seed, close, let the worker own the folder, count after it stops. */
async function pgliteStore(openDatabase, dir) {
  const open = async (fn) => {
    const handle = await openDatabase({ pgliteDataDir: dir });
    try {
      return await fn((text, values) => handle.db.$client.query(text, values));
    } finally {
      await handle.close();
    }
  };
  return {
    label: 'PGlite (PostgreSQL absent)',
    workerEnv: { PGLITE_DATA_DIR: dir },
    seed: (users, count) => open((query) => seedJobs(query, users, count)),
    eventCount: () => open(async (query) => (await query('SELECT count(*)::int AS n FROM job_events')).rows[0].n),
    lastEventId: async () => undefined, // the PGlite measure watches the queue, not the table
    /** The clock runs from `warmup` messages gone to the queue empty. */
    async measure({ sqs, GetQueueAttributesCommand, queueUrl, worker, log, warmup, total }) {
      let start = 0;
      let startLeft = 0;
      let cpuAtStart = 0;
      for (;;) {
        if (worker.exitCode !== null) throw new Error(`worker exited (${worker.exitCode}); log: ${tail(log)}`);
        const { visible, hidden } = await queueDepth(sqs, GetQueueAttributesCommand, queueUrl);
        const left = visible + hidden;
        if (start === 0 && total - left >= warmup) {
          start = performance.now();
          cpuAtStart = machineCpuSeconds();
          startLeft = left;
        }
        if (left === 0) return { seconds: (performance.now() - start) / 1000, timed: startLeft, cpu: machineCpuSeconds() - cpuAtStart };
        await sleep(20);
      }
    },
    close: async () => undefined,
  };
}

async function seedJobs(query, users, count) {
  const jobs = Array.from({ length: count }, (_, i) => ({ taskId: `task_bench-${i}`, userId: `bench-user-${i % users}` }));
  for (const job of jobs) {
    await query(
      `INSERT INTO jobs (task_id, user_id, kind, status, input_key, started_at, deadline_at)
       VALUES ($1, $2, 'GRAPH_GENERATION', 'RUNNING', $3, now(), now() + interval '1 hour')`,
      [job.taskId, job.userId, `graph-generation/${job.taskId}/`],
    );
  }
  return jobs;
}

async function startWorker(main, log, env) {
  const out = createWriteStream(log);
  await new Promise((resolve) => out.once('open', resolve));
  const nodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean); // e.g. --cpu-prof
  const child = spawn(process.execPath, [...nodeArgs, main], { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', out, out] });
  return child;
}

async function queueDepth(sqs, GetQueueAttributesCommand, queueUrl) {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return { visible: Number(Attributes.ApproximateNumberOfMessages), hidden: Number(Attributes.ApproximateNumberOfMessagesNotVisible) };
}

async function untilQueue(sqs, GetQueueAttributesCommand, queueUrl, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { visible, hidden } = await queueDepth(sqs, GetQueueAttributesCommand, queueUrl);
    if (check(visible, hidden)) return;
    if (Date.now() > deadline) throw new Error(`queue not as expected: ${visible} visible, ${hidden} in flight`);
    await sleep(50);
  }
}

/** CPU-seconds the whole machine has spent busy (user, nice, system, irq, softirq, steal), from /proc/stat; NaN elsewhere. */
function machineCpuSeconds() {
  try {
    const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    return (user + nice + system + irq + softirq + steal) / 100; // USER_HZ is 100 on Linux
  } catch {
    return Number.NaN;
  }
}

function cpuMs(seconds) {
  return Number.isFinite(seconds) ? `${(seconds * 1000).toFixed(2)} ms CPU/msg` : 'CPU n/a';
}

function tail(file) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '(no log)';
  }
}
