// SSE streams at the scale of one api process, beside a bare node:http SSE server, in one run.
//   npm run build   (the api runs from dist/apps/api; BENCH_DIST=<another build's dist> to compare builds)
//   node bench/sse.mjs [streams=10000] [hold=19000]
// Optional: BENCH_PG_URL, BENCH_REDIS_URL, BENCH_HEARTBEAT_MS (hold, default 5000), BENCH_IDLE_HEARTBEAT_MS (default 15000), BENCH_PER_CLIENT (streams per client process, default 2500),
// BENCH_API_NODE_ARGS (e.g. --cpu-prof).
//
// Two servers, one after the other, each its own process, same client processes, same machine:
//   floor: a bare routed node:http server (this file with --floor): a map userId -> responses, one
//          shared heartbeat timer; it hears a Redis channel whose messages carry the event and writes
//          it as a `data:` frame to that user's responses.
//   api:   the compiled api (dist), configured like production: real PostgreSQL and Redis.
// Events are published the way the worker does (JobEventPublisher): append to job_events
// (JobEventsRepository.append), then a notice on the Redis channel through the Nest Redis client. For the
// floor the same append runs, then the event itself goes on the floor's channel (no log read, no auth).
// Clients are child processes (this file with --clients) holding raw HTTP/1.1 connections, 50 connects in
// flight each (together below the listen backlog, 511: beyond it connects are reset, for either server).
// Scenarios: (a) N streams of one user, one event; (b) N users with one stream each, one event per user.
// Printed: connect time for all streams (until each has its CONNECTED frame), delivery latency
// (publish -> frame received, wall clock shared by the processes) p50/p99/max, RSS per 1,000 streams
// (server RSS after connect minus before), idle CPU % of the server over 10 s with N streams (b), and for
// the api a hold of `hold` streams for 30 s with heartbeats, without errors. (a) and (b) run with the
// production heartbeat (BENCH_IDLE_HEARTBEAT_MS, 15000), the hold on a fresh api with BENCH_HEARTBEAT_MS. Everything it creates
// (processes, database) is removed.
import { fork, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { signDevToken } from '../scripts/dev-token.mjs';
import { adminQuery, pool, stopProcess } from './support.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const SECRET = 'bench-sse-secret-that-is-long-enough-to-pass';
const CONNECTED = '"CONNECTED"';
const now = () => performance.timeOrigin + performance.now();

if (process.argv[2] === '--floor') await floorServer(Number(process.argv[3]), process.argv[4], process.argv[5], Number(process.argv[6]));
else if (process.argv[2] === '--clients') clients();
else await main();

async function main() {
  const N = Number(process.argv[2] ?? 10000);
  const HOLD = Number(process.argv[3] ?? 19000);
  const HEARTBEAT_MS = Number(process.env.BENCH_HEARTBEAT_MS ?? 5000);
  const IDLE_HEARTBEAT_MS = Number(process.env.BENCH_IDLE_HEARTBEAT_MS ?? 15000);
  const PER_CLIENT = Number(process.env.BENCH_PER_CLIENT ?? 2500);
  const DIST = process.env.BENCH_DIST ?? join(ROOT, 'dist');
  const API_MAIN = join(DIST, 'apps/api/apps/api/src/main.js');
  const require = createRequire(import.meta.url);
  const { ClientRedis } = require('@nestjs/microservices');
  const { firstValueFrom } = require('rxjs');
  const { openDatabase } = require(join(DIST, 'apps/api/libs/database/src/open-database.js'));
  const { JobEventsRepository } = require(join(DIST, 'apps/api/libs/database/src/job-events.repository.js'));
  const { redisTransportOptions } = require(join(DIST, 'apps/api/libs/job-events/src/redis-options.js'));
  const { jobEventChannel } = require(join(DIST, 'apps/api/libs/job-events/src/job-event.js'));

  const cleanups = [];
  const cleanup = async () => {
    for (const step of cleanups.splice(0).reverse()) await step().catch((error) => console.error(`cleanup: ${error.message}`));
  };
  process.on('SIGINT', () => void cleanup().finally(() => process.exit(130)));
  try {
    const adminUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
    const dbName = `bench_sse_${process.pid}`;
    await adminQuery(adminUrl, `CREATE DATABASE ${dbName}`);
    cleanups.push(() => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
    const url = new URL(adminUrl);
    url.pathname = `/${dbName}`;
    const database = await openDatabase({ url: url.toString() });
    cleanups.push(() => database.close());
    const events = new JobEventsRepository(database);
    const namespace = `bench-sse-${process.pid}`;
    const redis = new ClientRedis(redisTransportOptions(redisUrl).options);
    await redis.connect();
    cleanups.push(async () => redis.close());
    const emit = (channel, data) => firstValueFrom(redis.emit(channel, data), { defaultValue: undefined });
    const floorChannel = `${namespace}:floor`;

    const startServer = async (server, port, heartbeatMs) => {
      const child =
        server === 'floor'
          ? spawn(process.execPath, [SELF, '--floor', String(port), redisUrl, floorChannel, String(heartbeatMs)], { stdio: ['ignore', 'inherit', 'inherit'] })
          : spawn(process.execPath, [...(process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean), API_MAIN], {
              cwd: ROOT,
              stdio: ['ignore', 'inherit', 'inherit'],
              env: {
                PATH: process.env.PATH,
                NODE_ENV: 'production',
                PORT: String(port),
                HOST: '0.0.0.0',
                JWT_SECRET: SECRET,
                DATABASE_URL: url.toString(),
                REDIS_URL: redisUrl,
                JOB_EVENTS_NAMESPACE: namespace,
                SSE_HEARTBEAT_MS: String(heartbeatMs),
                SQS_REQUEST_QUEUE_URL: 'http://127.0.0.1:9/000000000000/bench-requests',
                S3_PAYLOAD_BUCKET: 'bench-payloads',
                AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
                AWS_ACCESS_KEY_ID: 'bench',
                AWS_SECRET_ACCESS_KEY: 'bench',
                LOG_LEVEL: 'warn',
              },
            });
      cleanups.push(() => stopProcess(child));
      await untilListening(port, child);
      await sleep(1000);
      return child;
    };
    console.log(
      `${DIST}; PostgreSQL ${dbName} (dropped afterwards); ${redisUrl}; heartbeat ${IDLE_HEARTBEAT_MS} ms (${HEARTBEAT_MS} ms for the hold); ${PER_CLIENT} streams per client process`,
    );
    const results = {};
    for (const server of ['floor', 'api']) {
      const port = await freePort();
      const child = await startServer(server, port, IDLE_HEARTBEAT_MS);
      // Each scenario connects to its own loopback address, so closed connections in TIME_WAIT never collide.
      let host = 1;
      const publish = async (userId, taskId) => {
        const sentAt = now();
        const event = await events.append({ taskId, userId, type: 'BENCH', payload: { sentAt } });
        if (server === 'api') await emit(jobEventChannel(namespace), { userId });
        else await emit(floorChannel, { userId, event: { id: event.id, type: event.type, payload: { taskId, ...event.payload }, timestamp: event.timestamp } });
      };
      const scenario = async (label, users, streamsPerUser, idle) => {
        await seedJobs(database, users);
        const assignments = users.flatMap((user) => Array.from({ length: streamsPerUser }, () => user));
        const rssBefore = rssKiB(child.pid);
        const group = await clientGroup(assignments, PER_CLIENT, { host: `127.0.0.${++host}`, port, server });
        cleanups.push(() => group.close());
        const connectMs = await group.connect();
        await sleep(1000);
        const rss = (rssKiB(child.pid) - rssBefore) / (assignments.length / 1000) / 1024;
        const cpu = idle ? await idleCpu(child.pid, 10_000) : undefined;
        const expecting = group.expect(assignments.length, 60_000);
        await pool(users, 8, (user) => publish(user, `task_${user}`));
        const latencies = (await expecting).sort((a, b) => a - b);
        await group.close();
        cleanups.pop();
        const figures = { connectMs, rss, cpu, p50: pct(latencies, 0.5), p99: pct(latencies, 0.99), max: latencies.at(-1), received: latencies.length, streams: assignments.length };
        console.log(`${server} ${label}: ${line(figures)}`);
        await sleep(2000);
        return figures;
      };
      results[server] = {
        a: await scenario(`(a) ${N} streams of one user`, [`${server}-a-user`], N, false),
        b: await scenario(`(b) ${N} users, one stream each`, range(N).map((i) => `${server}-b-${i}`), 1, true),
      };
      await stopProcess(child);
      cleanups.pop();
      if (server === 'api') {
        // The hold: a fresh api with the heartbeat lowered, so 30 s see several.
        const holder = await startServer(server, port, HEARTBEAT_MS);
        const users = range(HOLD).map((i) => `${server}-hold-${i}`);
        const group = await clientGroup(users, PER_CLIENT, { host: `127.0.0.${++host}`, port, server });
        cleanups.push(() => group.close());
        const connected = await group.connect({ tolerate: true });
        await sleep(30_000);
        const held = await group.stats();
        held.fds = readdirSync(`/proc/${holder.pid}/fd`).length;
        await group.close();
        cleanups.pop();
        await stopProcess(holder);
        cleanups.pop();
        const need = Math.floor(30_000 / HEARTBEAT_MS) - 1;
        const ok = connected.failed === 0 && held.open === HOLD && held.errors === 0 && held.minHeartbeats >= need;
        results.hold = { ...held, ok };
        console.log(
          `api hold ${HOLD} streams 30 s: connect ${connected.ms.toFixed(0)} ms, failed to connect ${connected.failed}${connected.reason ? ` (first: ${connected.reason})` : ''}, ` +
            `open at the end ${held.open} (api fds ${held.fds}), errors ${held.errors}, heartbeats per stream min ${held.minHeartbeats} (need >= ${need}): ${ok ? 'OK' : 'FAILED'}`,
        );
      }
    }
    console.log('\n| what | floor | api | api/floor | target |');
    console.log('|---|---|---|---|---|');
    for (const key of ['a', 'b']) {
      const floor = results.floor[key];
      const api = results.api[key];
      const row = (what, f, a, unit, target) => console.log(`| (${key}) ${what} | ${f.toFixed(1)} ${unit} | ${a.toFixed(1)} ${unit} | ${(a / f).toFixed(2)}x | ${target} |`);
      row('connect all streams', floor.connectMs, api.connectMs, 'ms', '<= 2x');
      row('delivery p50', floor.p50, api.p50, 'ms', '');
      row('delivery p99', floor.p99, api.p99, 'ms', '<= 1.25x');
      row('delivery max', floor.max, api.max, 'ms', '');
      row('RSS per 1,000 streams', floor.rss, api.rss, 'MiB', '<= 1.3x');
      if (key === 'b') console.log(`| (b) idle CPU, 10 s | ${floor.cpu.toFixed(2)} % | ${api.cpu.toFixed(2)} % | | api <= 1 % |`);
    }
    console.log(`| hold ${HOLD} streams 30 s | | ${results.hold.ok ? 'OK' : 'FAILED'} (errors ${results.hold.errors}) | | no errors |`);
  } finally {
    await cleanup();
  }
}

function line(f) {
  return `connect ${f.connectMs.toFixed(0)} ms, RSS ${f.rss.toFixed(2)} MiB/1,000 streams, ${f.cpu === undefined ? '' : `idle CPU ${f.cpu.toFixed(2)} %, `}delivered ${f.received}/${f.streams}, latency p50 ${f.p50.toFixed(1)} ms p99 ${f.p99.toFixed(1)} ms max ${f.max.toFixed(1)} ms`;
}

/** Client processes holding `assignments` (one user id per stream), PER_CLIENT each. */
async function clientGroup(assignments, perClient, target) {
  const children = [];
  for (let i = 0; i < assignments.length; i += perClient) {
    const child = fork(SELF, ['--clients'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push({ child, users: assignments.slice(i, i + perClient) });
  }
  const ask = (child, message, type) =>
    new Promise((resolve, reject) => {
      const onMessage = (reply) => {
        if (reply.type !== type) return;
        child.off('message', onMessage);
        resolve(reply);
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`client process exited (${code})`)));
      child.send(message);
    });
  return {
    async connect({ tolerate = false } = {}) {
      const started = now();
      const replies = await Promise.all(children.map(({ child, users }) => ask(child, { cmd: 'connect', ...target, users, secret: SECRET }, 'connected')));
      const failed = replies.reduce((sum, reply) => sum + reply.errors, 0);
      const reason = replies.find((reply) => reply.reason)?.reason;
      if (failed > 0 && !tolerate) throw new Error(`${failed} streams failed to connect (first: ${reason})`);
      const ms = Math.max(...replies.map((reply) => reply.at)) - started;
      return tolerate ? { ms, failed, reason } : ms;
    },
    async expect(total, timeoutMs) {
      const replies = await Promise.all(children.map(({ child, users }) => ask(child, { cmd: 'expect', count: users.length * (total / assignments.length), timeoutMs }, 'latencies')));
      return replies.flatMap((reply) => reply.values);
    },
    async stats() {
      const replies = await Promise.all(children.map(({ child }) => ask(child, { cmd: 'stats' }, 'stats')));
      return {
        open: replies.reduce((sum, reply) => sum + reply.open, 0),
        errors: replies.reduce((sum, reply) => sum + reply.errors, 0),
        minHeartbeats: Math.min(...replies.map((reply) => reply.minHeartbeats)),
      };
    },
    async close() {
      await Promise.all(children.map(({ child }) => stopProcess(child)));
    },
  };
}

/** Child mode: raw HTTP/1.1 SSE connections; reports connect completion, latencies of `sentAt` frames, heartbeats. */
function clients() {
  const streams = [];
  let errors = 0;
  let reason;
  const latencies = [];
  let waiting;
  const settle = () => {
    if (waiting && latencies.length >= waiting.count) {
      clearTimeout(waiting.timer);
      process.send({ type: 'latencies', values: latencies.splice(0) });
      waiting = undefined;
    }
  };
  process.on('message', (message) => {
    if (message.cmd === 'connect') void open(message);
    else if (message.cmd === 'expect') {
      const timer = setTimeout(() => {
        waiting.count = 0; // report what arrived
        settle();
      }, message.timeoutMs);
      waiting = { count: message.count, timer };
      settle();
    } else if (message.cmd === 'stats') {
      process.send({ type: 'stats', open: streams.filter((s) => s.open).length, errors, minHeartbeats: Math.min(...streams.map((s) => s.heartbeats)) });
    }
  });
  process.on('disconnect', () => process.exit(0));

  async function open({ host, port, users, server, secret }) {
    const tokens = new Map();
    const request = (user) => {
      if (server === 'floor') return `GET /stream?user=${encodeURIComponent(user)} HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n`;
      if (!tokens.has(user)) tokens.set(user, signDevToken(user, secret));
      return `GET /v1/notifications/stream HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\nAuthorization: Bearer ${tokens.get(user)}\r\n\r\n`;
    };
    let connected = 0;
    let lastAt = 0;
    // In flight per client process: all of them together stay below the server's listen backlog (511).
    await pool(users, 50, (user) =>
      new Promise((resolve) => {
        const stream = { open: true, heartbeats: 0, connected: false, buffer: '' };
        streams.push(stream);
        const socket = connect({ host, port });
        socket.setNoDelay(true);
        socket.setEncoding('utf8');
        socket.on('connect', () => socket.write(request(user)));
        socket.on('data', (chunk) => {
          const at = now();
          stream.buffer += chunk;
          const end = stream.buffer.lastIndexOf('\n\n');
          if (end < 0) return;
          const complete = stream.buffer.slice(0, end);
          stream.buffer = stream.buffer.slice(end + 2);
          if (!stream.connected) {
            if (!complete.startsWith('HTTP/1.1 200') || !complete.includes(CONNECTED)) {
              errors += 1;
              reason ??= complete.split('\r\n')[0];
              socket.destroy();
              return resolve();
            }
            stream.connected = true;
            connected += 1;
            lastAt = at;
            resolve();
          }
          for (let i = complete.indexOf('"sentAt":'); i >= 0; i = complete.indexOf('"sentAt":', i + 1)) latencies.push(at - parseFloat(complete.slice(i + 9, i + 40)));
          for (let i = complete.indexOf(': keep-alive'); i >= 0; i = complete.indexOf(': keep-alive', i + 1)) stream.heartbeats += 1;
          settle();
        });
        socket.on('error', (error) => (reason ??= error.code ?? error.message));
        socket.on('close', () => {
          if (stream.open) errors += 1;
          if (!stream.connected) reason ??= 'connection closed before CONNECTED';
          stream.open = false;
          resolve();
        });
      }),
    );
    process.send({ type: 'connected', count: connected, errors, reason, at: lastAt });
  }
}

/** Child mode: the floor, a bare routed SSE server. */
async function floorServer(port, redisUrl, channel, heartbeatMs) {
  const require = createRequire(import.meta.url);
  const Redis = require('ioredis');
  const byUser = new Map();
  const connected = `data: ${JSON.stringify({ type: 'CONNECTED', message: 'SSE Connection established' })}\n\n`;
  const server = createServer((request, response) => {
    const user = new URL(request.url, 'http://floor').searchParams.get('user');
    response.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive' });
    response.write(connected);
    let set = byUser.get(user);
    if (!set) byUser.set(user, (set = new Set()));
    set.add(response);
    request.once('close', () => {
      set.delete(response);
      if (set.size === 0) byUser.delete(user);
    });
  });
  server.keepAliveTimeout = 0;
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  setInterval(() => {
    for (const set of byUser.values()) for (const response of set) response.write(': keep-alive\n\n');
  }, heartbeatMs);
  const subscriber = new (Redis.default ?? Redis)(redisUrl);
  await subscriber.subscribe(channel);
  subscriber.on('message', (_channel, raw) => {
    const { data } = JSON.parse(raw);
    const frame = `data: ${JSON.stringify(data.event)}\n\n`;
    for (const response of byUser.get(data.userId) ?? []) response.write(frame);
  });
  server.listen(port, '0.0.0.0', 4096);
  process.on('SIGTERM', () => process.exit(0));
}

async function seedJobs(database, users) {
  if (users.length === 0) return;
  await database.db.$client.query(
    `INSERT INTO jobs (task_id, user_id, kind, status, input_key, started_at, deadline_at)
     SELECT 'task_' || u, u, 'GRAPH_GENERATION', 'RUNNING', 'graph-generation/task_' || u || '/', now(), now() + interval '1 hour'
     FROM unnest($1::text[]) AS u`,
    [users],
  );
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '0.0.0.0', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

async function untilListening(port, child) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode})`);
    const up = await new Promise((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket.end() && true));
      socket.on('error', () => resolve(false));
    });
    if (up) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port}`);
    await sleep(200);
  }
}

/** Resident set of a process, KiB (/proc). */
function rssKiB(pid) {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
}

/** CPU % of one core a process spends over `ms` (utime + stime from /proc, USER_HZ 100). */
async function idleCpu(pid, ms) {
  const ticks = () => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]);
  };
  const before = ticks();
  await sleep(ms);
  return ((ticks() - before) * 10 * 100) / ms;
}

function range(n) {
  return Array.from({ length: n }, (_, i) => i);
}

function pct(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)];
}
