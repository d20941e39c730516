// Storing and serving a large graph against bare baselines, in one run on one PostgreSQL.
//   npm run build   (the repositories and the api run from dist/apps/api)
//   node bench/graph-store.mjs [rounds=7]
// Optional: TEST_DATABASE_URL (admin URL, default postgres://postgres@127.0.0.1:5432/test),
// BENCH_NODES / BENCH_EDGES (default 400 / 14000), BENCH_DIST (another build's dist folder).
//
// One seeded graph: N nodes in 12 clusters, M edges, 3 subclusters per cluster.
// (a) store, each round on a user that already has the graph (so both delete, then insert):
//   replace: GraphRepository.replace, exactly what the worker runs (one transaction: upsert of
//            the graphs row, delete of the old rows, inserts, in whatever statements it uses).
//   copy:    the same transaction steps and the same rows with bare `pg` and COPY FROM STDIN
//            (pg-copy-streams, text format): the fastest way into PostgreSQL, the baseline;
//   bare:    the same with bare `pg` multi-row INSERTs: 1,000 rows per statement, and
//            statements as large as the 65,535-parameter limit allows.
// (b) serve the stored graph:
//   http:    GET /v1/graph/snapshot on the compiled api (its own process), body read as text.
//   service: GraphReadsService.snapshotJson in this process (JSON built by Postgres).
//   naive:   GraphRepository.get (drizzle rows) mapped to the same shapes, then JSON.stringify.
//   bare:    JSON.stringify of the snapshot object (the parsed http body), nothing else.
// Each round runs every variant once, in turn; 2 warm-up rounds first; medians are printed with
// the ratios to the bare baseline. Everything it creates (database, api process) is removed.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { signDevToken } from '../scripts/dev-token.mjs';
import { adminQuery, median, reachable, stopProcess } from './support.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ROUNDS = Number(process.argv[2] ?? 7);
const WARMUP = 2;
const NODES = Number(process.env.BENCH_NODES ?? 400);
const EDGES = Number(process.env.BENCH_EDGES ?? 14000);
const CLUSTERS = 12;
const DIST = process.env.BENCH_DIST ?? join(ROOT, 'dist');
const API = join(DIST, 'apps/api');
const compiled = (path) => join(API, path);

const require = createRequire(import.meta.url);
const pg = require('pg');
const { from: copyFrom } = require('pg-copy-streams');
require('reflect-metadata'); // the compiled repositories carry decorators

async function main() {
  for (const file of ['apps/api/src/main.js', 'apps/api/src/graph/graph-reads.service.js', 'libs/database/src/index.js']) {
    if (!existsSync(compiled(file))) throw new Error(`${compiled(file)} is missing: run npm run build first`);
  }
  const { openDatabase, GraphRepository, GraphReadsRepository } = require(compiled('libs/database/src/index.js'));
  const { GraphReadsService } = require(compiled('apps/api/src/graph/graph-reads.service.js'));

  const cleanups = [];
  const cleanup = async () => {
    for (const step of cleanups.splice(0).reverse()) await step().catch((error) => console.error(`cleanup: ${error.message}`));
  };
  process.on('SIGINT', () => void cleanup().finally(() => process.exit(130)));

  try {
    const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    if (!(await reachable(adminUrl))) throw new Error(`PostgreSQL is not reachable at ${redact(adminUrl)}; this bench needs a real server`);
    const dbName = `bench_graph_store_${process.pid}`;
    await adminQuery(adminUrl, `CREATE DATABASE ${dbName}`);
    cleanups.push(() => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
    const url = new URL(adminUrl);
    url.pathname = `/${dbName}`;

    const handle = await openDatabase({ url: url.toString(), poolSize: 4 });
    cleanups.push(() => handle.close());
    const database = { db: handle.db, transaction: (fn) => handle.db.transaction(fn) };
    const graphs = new GraphRepository(database);
    const service = new GraphReadsService(new GraphReadsRepository(database));
    const bare = new pg.Client({ connectionString: url.toString() });
    await bare.connect();
    cleanups.push(() => bare.end());
    const serverVersion = (await bare.query('SHOW server_version')).rows[0].server_version;

    const graph = makeGraph(NODES, EDGES);
    console.log(
      `graph: ${fmt(NODES)} nodes, ${fmt(EDGES)} edges, ${CLUSTERS} clusters, ${graph.subclusters.length} subclusters; ` +
        `PostgreSQL ${serverVersion}; ${ROUNDS} rounds (median) after ${WARMUP} warm-up rounds`,
    );

    // --- (a) store
    const store = { replace: [], copy: [], bare: [], largest: [] };
    for (let round = 0; round < WARMUP + ROUNDS; round += 1) {
      const replaceMs = await timed(() => graphs.replace('bench-orm', `task_bench_${round}`, graph));
      const copyMs = await timed(() => bareReplace(bare, 'bench-copy', `task_bench_${round}`, graph, 'copy'));
      const bareMs = await timed(() => bareReplace(bare, 'bench-bare', `task_bench_${round}`, graph, 1000));
      const largestMs = await timed(() => bareReplace(bare, 'bench-bare-largest', `task_bench_${round}`, graph, Infinity));
      if (round >= WARMUP) {
        store.replace.push(replaceMs);
        store.copy.push(copyMs);
        store.bare.push(bareMs);
        store.largest.push(largestMs);
      }
    }
    for (const userId of ['bench-orm', 'bench-copy', 'bench-bare', 'bench-bare-largest']) {
      const { rows } = await bare.query(
        'SELECT (SELECT count(*) FROM graph_nodes WHERE user_id = $1)::int AS nodes, (SELECT count(*) FROM graph_edges WHERE user_id = $1)::int AS edges',
        [userId],
      );
      if (rows[0].nodes !== NODES || rows[0].edges !== EDGES) throw new Error(`${userId} stored ${JSON.stringify(rows[0])}`);
    }

    // --- (b) serve
    const api = await startApi(url.toString());
    cleanups.push(() => stopProcess(api.child));
    const headers = { Authorization: `Bearer ${signDevToken('bench-orm', api.secret)}` };
    const serve = { http: [], service: [], naive: [], bare: [] };
    let body = '';
    let snapshot;
    for (let round = 0; round < WARMUP + ROUNDS; round += 1) {
      const httpMs = await timed(async () => {
        const response = await fetch(`${api.base}/v1/graph/snapshot`, { headers });
        if (response.status !== 200) throw new Error(`snapshot answered ${response.status}: ${await response.text()}`);
        body = await response.text();
      });
      snapshot ??= JSON.parse(body);
      const serviceMs = await timed(() => service.snapshotJson('bench-orm', undefined));
      const naiveMs = await timed(async () => JSON.stringify(naiveSnapshot('bench-orm', await graphs.get('bench-orm'))));
      const bareMs = await timed(async () => JSON.stringify(snapshot));
      if (round >= WARMUP) {
        serve.http.push(httpMs);
        serve.service.push(serviceMs);
        serve.naive.push(naiveMs);
        serve.bare.push(bareMs);
      }
    }
    if (snapshot.nodes.length !== NODES || snapshot.edges.length !== EDGES || snapshot.stats.edges !== EDGES) {
      throw new Error(`snapshot is incomplete: ${snapshot.nodes.length} nodes, ${snapshot.edges.length} edges`);
    }

    const m = (values) => median(values);
    console.log('(a) store the graph (one transaction: graphs row upsert, delete of the old rows, inserts)');
    console.log(`  GraphRepository.replace (the worker's path)            ${ms(m(store.replace))}`);
    console.log(`  bare pg, COPY FROM STDIN (the baseline)               ${ms(m(store.copy))}`);
    console.log(`  bare pg, multi-row INSERTs of 1,000 rows              ${ms(m(store.bare))}`);
    console.log(`  bare pg, INSERTs of up to 65,535 parameters           ${ms(m(store.largest))}`);
    console.log(
      `  replace / copy = ${ratio(m(store.replace), m(store.copy))}, replace / bare inserts = ${ratio(m(store.replace), m(store.bare))}, ` +
        `replace / bare largest = ${ratio(m(store.replace), m(store.largest))}`,
    );
    console.log(`(b) serve it as a snapshot (${fmt(Buffer.byteLength(body))} bytes of JSON)`);
    console.log(`  GET /v1/graph/snapshot over HTTP (api process)        ${ms(m(serve.http))}`);
    console.log(`  GraphReadsService.snapshotJson in process             ${ms(m(serve.service))}`);
    console.log(`  naive: GraphRepository.get + map + JSON.stringify     ${ms(m(serve.naive))}`);
    console.log(`  bare JSON.stringify of the same snapshot object       ${ms(m(serve.bare))}`);
    console.log(
      `  http / bare = ${ratio(m(serve.http), m(serve.bare))}, service / bare = ${ratio(m(serve.service), m(serve.bare))}, ` +
        `naive / bare = ${ratio(m(serve.naive), m(serve.bare))}, naive / service = ${ratio(m(serve.naive), m(serve.service))}`,
    );
  } finally {
    await cleanup();
  }
  process.exit(0);
}

/** A deterministic graph in the worker's GraphWrite shape (camelCase records). */
function makeGraph(nodeCount, edgeCount) {
  const random = mulberry32(20261122);
  const ids = Array.from({ length: nodeCount }, (_, id) => id);
  const clusterOf = (id) => id % CLUSTERS;
  const nodes = ids.map((id) => ({
    id,
    origId: `conversation-${id.toString(36)}-${Math.floor(random() * 1e9).toString(36)}`,
    clusterId: `cluster_${clusterOf(id)}`,
    clusterName: `Cluster ${clusterOf(id)}: topics about area ${clusterOf(id)}`,
    clusterConfidence: Math.round(random() * 1000) / 1000,
    keywords: Array.from({ length: 5 }, (_, k) => ({ term: `term-${(id * 5 + k) % 997}`, score: Math.round(random() * 1e4) / 1e4 })),
    topKeywords: [`term-${(id * 5) % 997}`, `term-${(id * 5 + 1) % 997}`],
    timestamp: new Date(Date.UTC(2026, 0, 1) + id * 3_600_000).toISOString(),
    numSections: 1 + Math.floor(random() * 40),
    sourceType: id % 3 === 0 ? 'markdown' : 'chat',
  }));
  const edges = Array.from({ length: edgeCount }, () => {
    const source = Math.floor(random() * nodeCount);
    const target = (source + 1 + Math.floor(random() * (nodeCount - 1))) % nodeCount;
    return {
      source,
      target,
      weight: Math.round(random() * 1e4) / 1e4,
      type: random() < 0.1 ? 'hard' : 'semantic',
      isIntraCluster: clusterOf(source) === clusterOf(target),
      confidence: random() < 0.5 ? 'high' : 'llm_verified',
    };
  });
  const clusters = Array.from({ length: CLUSTERS }, (_, index) => ({
    id: `cluster_${index}`,
    name: `Cluster ${index}: topics about area ${index}`,
    description: `Conversations and notes about area ${index}, grouped by the AI.`,
    size: ids.filter((id) => clusterOf(id) === index).length,
    keyThemes: [`theme-${index}-a`, `theme-${index}-b`, `theme-${index}-c`],
  }));
  const subclusters = clusters.flatMap((cluster, index) => {
    const members = ids.filter((id) => clusterOf(id) === index);
    return [0, 1, 2].map((part) => {
      const nodeIds = members.filter((_, position) => position % 3 === part);
      return {
        id: `subcluster_${index}_${part}`,
        clusterId: cluster.id,
        nodeIds,
        representativeNodeId: nodeIds[0],
        size: nodeIds.length,
        density: Math.round(random() * 1000) / 1000,
        topKeywords: [`term-${index}`, `term-${index + part}`],
      };
    });
  });
  return { generatedAt: '2026-11-22T06:00:01.123Z', metadata: { total_nodes: nodeCount, total_edges: edgeCount }, nodes, edges, clusters, subclusters };
}

/** GraphRepository.replace's statements, written with bare pg. */
async function bareReplace(client, userId, taskId, graph, rowsPerStatement) {
  await client.query('BEGIN');
  try {
    await client.query(
      `INSERT INTO graphs (user_id, version, generation_version, task_id, generated_at, metadata) VALUES ($1, 1, 1, $2, $3, $4)
       ON CONFLICT (user_id) DO UPDATE SET version = graphs.version + 1, generation_version = graphs.version + 1, task_id = $2,
         generated_at = $3, metadata = $4, updated_at = now(), deleted_at = NULL`,
      [userId, taskId, graph.generatedAt, JSON.stringify(graph.metadata)],
    );
    for (const table of ['graph_nodes', 'graph_edges', 'graph_clusters', 'graph_subclusters']) {
      await client.query(`DELETE FROM ${table} WHERE user_id = $1`, [userId]);
    }
    const insert = (table, columns, rows) =>
      rowsPerStatement === 'copy' ? copyRows(client, table, columns, rows) : insertRows(client, table, columns, rows, rowsPerStatement);
    await insert('graph_nodes', ['user_id', 'id', 'orig_id', 'cluster_id', 'cluster_name', 'cluster_confidence', 'keywords', 'top_keywords', 'timestamp', 'num_sections', 'source_type'],
      graph.nodes.map((n) => [userId, n.id, n.origId, n.clusterId, n.clusterName, n.clusterConfidence, JSON.stringify(n.keywords), JSON.stringify(n.topKeywords), n.timestamp, n.numSections, n.sourceType]));
    await insert('graph_edges', ['user_id', 'source', 'target', 'weight', 'type', 'is_intra_cluster', 'confidence'],
      graph.edges.map((e) => [userId, e.source, e.target, e.weight, e.type, e.isIntraCluster, e.confidence]));
    await insert('graph_clusters', ['user_id', 'id', 'name', 'description', 'size', 'key_themes'],
      graph.clusters.map((c) => [userId, c.id, c.name, c.description, c.size, JSON.stringify(c.keyThemes)]));
    await insert('graph_subclusters', ['user_id', 'id', 'cluster_id', 'node_ids', 'representative_node_id', 'size', 'density', 'top_keywords'],
      graph.subclusters.map((s) => [userId, s.id, s.clusterId, JSON.stringify(s.nodeIds), s.representativeNodeId, s.size, s.density, JSON.stringify(s.topKeywords)]));
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

/** COPY … FROM STDIN in text format: tab-separated, `\N` for null, backslash escapes. */
async function copyRows(client, table, columns, rows) {
  const field = (value) => {
    if (value === null || value === undefined) return '\\N';
    if (typeof value === 'boolean') return value ? 't' : 'f';
    return String(value).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
  };
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  const done = new Promise((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  stream.end(rows.map((row) => row.map(field).join('\t')).join('\n') + (rows.length ? '\n' : ''));
  await done;
}

/** Multi-row INSERTs of `rowsPerStatement` rows, at most as many as Postgres' 65,535 bind parameters allow. */
async function insertRows(client, table, columns, rows, rowsPerStatement) {
  const perStatement = Math.min(rowsPerStatement, Math.floor(65535 / columns.length));
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const values = chunk.map((_, row) => `(${columns.map((_, column) => `$${row * columns.length + column + 1}`).join(', ')})`);
    await client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(', ')}`, chunk.flat());
  }
}

/** The obvious read: rows through the ORM, mapped to the client's shapes in JavaScript. */
function naiveSnapshot(userId, stored) {
  const sourceTypes = new Set(['chat', 'markdown', 'notion', 'file']);
  return {
    nodes: stored.nodes.map((n) => ({
      id: n.id, userId, origId: n.origId, clusterId: n.clusterId, clusterName: n.clusterName, timestamp: n.timestamp,
      numMessages: n.numSections, keywords: n.keywords, ...(sourceTypes.has(n.sourceType) ? { sourceType: n.sourceType } : {}),
    })),
    edges: stored.edges.map((e) => ({ userId, source: e.source, target: e.target, weight: e.weight, type: e.type === 'hard' ? 'hard' : 'insight', intraCluster: e.isIntraCluster })),
    clusters: stored.clusters.map((c) => ({ id: c.id, userId, name: c.name, description: c.description, size: c.size, themes: c.keyThemes })),
    subclusters: stored.subclusters.map((s) => ({ ...s, userId })),
    stats: { nodes: stored.nodes.length, edges: stored.edges.length, clusters: stored.clusters.length, status: 'CREATED' },
  };
}

/** The compiled api on a free loopback port, against the bench database; never contacts SQS or S3 for these reads. */
async function startApi(databaseUrl) {
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
    SQS_REQUEST_QUEUE_URL: 'http://127.0.0.1:9/000000000000/bench-requests',
    S3_PAYLOAD_BUCKET: 'bench-payloads',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
  };
  const child = spawn(process.execPath, [compiled('apps/api/src/main.js')], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  for (let waited = 0; ; waited += 100) {
    if (child.exitCode !== null) throw new Error(`the api exited (${child.exitCode})`);
    const live = await fetch(`${base}/health/live`).then((response) => response.ok, () => false);
    if (live) return { child, base, secret };
    if (waited > 30_000) throw new Error('the api did not come up within 30 s');
    await sleep(100);
  }
}

function freePort() {
  return new Promise((done, fail) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
    server.once('error', fail);
  });
}

async function timed(fn) {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ms = (value) => `${value.toFixed(1).padStart(7)} ms`;
const ratio = (a, b) => (a / b).toFixed(2);
const fmt = (value) => value.toLocaleString('en-US');
const redact = (url) => url.replace(/\/\/[^@/]*@/, '//…@');

await main();
