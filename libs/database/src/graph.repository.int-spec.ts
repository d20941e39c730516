import { bootDatabaseModule, type DatabaseTestContext } from '../test/database-test-module';
import { eq } from 'drizzle-orm';
import { graphFactory } from '../test/factories/graph.factory';
import { jobFactory } from '../test/factories/job.factory';
import { TEST_DRIVERS } from '../test/test-database';
import { GraphRepository } from './graph.repository';
import { type GraphWrite } from './graph.types';
import { JobsRepository } from './jobs.repository';
import { sources } from './schema';

describe.each(TEST_DRIVERS)(`${GraphRepository.name} (%s)`, (driver) => {
  let context: DatabaseTestContext;
  let graphs: GraphRepository;

  beforeAll(async () => {
    context = await bootDatabaseModule(driver);
    graphs = context.moduleRef.get(GraphRepository);
  });

  afterAll(async () => {
    await context.close();
  });

  describe('replace / get', () => {
    it('stores a first graph as version 1 and reads it back in camelCase', async () => {
      const graph = graphFactory.create({ nodes: 6, tag: 'first' });
      expect(await graphs.replace('reader', 'task-1', graph)).toBe(1);
      expect(await graphs.get('reader')).toEqual({ version: 1, taskId: 'task-1', ...graph });
    });

    it('returns undefined for a user without a graph', async () => {
      expect(await graphs.get('nobody')).toBeUndefined();
    });

    it('replaces every part of the previous graph and bumps the version', async () => {
      await graphs.replace('replacer', 'task-1', graphFactory.create({ nodes: 8, tag: 'old' }));
      const next = graphFactory.create({ nodes: 3, tag: 'new', firstNodeId: 100 }, { generatedAt: null, metadata: { v: 2 } });
      expect(await graphs.replace('replacer', 'task-2', next)).toBe(2);
      expect(await graphs.get('replacer')).toEqual({ version: 2, taskId: 'task-2', ...next });
    });

    it('keeps users’ graphs apart', async () => {
      const mine = graphFactory.create({ tag: 'mine' });
      const theirs = graphFactory.create({ tag: 'theirs' });
      await graphs.replace('me', 'task-me', mine);
      await graphs.replace('them', 'task-them', theirs);
      await graphs.replace('them', 'task-them-2', theirs);
      expect(await graphs.get('me')).toEqual({ version: 1, taskId: 'task-me', ...mine });
    });

    it('leaves the previous graph intact when a replace fails midway', async () => {
      const previous = graphFactory.create({ nodes: 5, tag: 'kept' });
      await graphs.replace('failing', 'task-1', previous);
      const broken = graphFactory.create({ nodes: 5, tag: 'broken' });
      broken.subclusters[1] = { ...broken.subclusters[1], density: null as unknown as number };

      await expect(graphs.replace('failing', 'task-2', broken)).rejects.toThrow();
      expect(await graphs.get('failing')).toEqual({ version: 1, taskId: 'task-1', ...previous });
    });

    it('rolls back to a savepoint of the caller’s transaction on failure', async () => {
      const previous = graphFactory.create({ nodes: 2, tag: 'outer' });
      await graphs.replace('savepoint', 'task-1', previous);
      const duplicate: GraphWrite = graphFactory.create({ nodes: 2, tag: 'dup' });
      duplicate.nodes.push(duplicate.nodes[0]);

      const version = await context.database.transaction(async (tx) => {
        await expect(graphs.replace('savepoint', 'task-2', duplicate, tx)).rejects.toThrow();
        return graphs.replace('savepoint', 'task-3', previous, tx);
      });
      expect(version).toBe(2);
      expect(await graphs.get('savepoint')).toEqual({ version: 2, taskId: 'task-3', ...previous });
    });

    it('stores a 5,000-node graph', async () => {
      const large = graphFactory.create({ nodes: 5000, tag: 'large' });
      expect(await graphs.replace('large', 'task-large', large)).toBe(1);
      const stored = await graphs.get('large');
      expect(stored?.nodes).toHaveLength(5000);
      expect(stored?.edges).toHaveLength(4999);
      expect(stored).toEqual({ version: 1, taskId: 'task-large', ...large });
    });
  });

  describe('saveSummary / getSummary', () => {
    it('returns the summary of the newest version, overwriting a redelivered one', async () => {
      await graphs.saveSummary('summarized', 1, 'task-1', { overview: 'one' });
      await graphs.saveSummary('summarized', 2, 'task-2', { overview: 'two' });
      await graphs.saveSummary('summarized', 2, 'task-2b', { overview: 'two again' });
      await graphs.saveSummary('other', 3, 'task-x', { overview: 'other' });

      expect(await graphs.getSummary('summarized')).toEqual({
        graphVersion: 2,
        taskId: 'task-2b',
        summary: { overview: 'two again' },
        createdAt: expect.stringMatching(/Z$/) as unknown,
      });
      expect(await graphs.getSummary('nobody')).toBeUndefined();
      expect(await graphs.getSummaryOf('summarized', 1)).toMatchObject({ graphVersion: 1, taskId: 'task-1', summary: { overview: 'one' } });
      expect(await graphs.getSummaryOf('summarized', 3)).toBeUndefined();
    });
  });

  describe('head / lockForMerge / append', () => {
    it('reads the head with the writing job’s creation time', async () => {
      const jobs = context.moduleRef.get(JobsRepository);
      const job = await jobs.create(jobFactory.create({ userId: 'headed', createdAt: new Date('2026-02-03T04:05:06Z') }));
      await graphs.replace('headed', job.taskId, graphFactory.create({ tag: 'h' }));

      expect(await graphs.head('headed')).toEqual({ version: 1, taskId: job.taskId, jobCreatedAt: new Date('2026-02-03T04:05:06Z') });
      await graphs.replace('headless', 'task-gone', graphFactory.create({ tag: 'g' }));
      expect(await graphs.head('headless')).toEqual({ version: 1, taskId: 'task-gone', jobCreatedAt: null });
      expect(await graphs.head('nobody')).toBeUndefined();
    });

    it('appends nodes after the maximum id, grows and adds clusters, and bumps the version', async () => {
      const stored = graphFactory.create({ nodes: 4, tag: 'm', firstNodeId: 5 });
      await graphs.replace('merger', 'task-1', stored);

      const version = await context.database.transaction(async (tx) => {
        const base = await graphs.lockForMerge('merger', tx);
        expect(base).toMatchObject({ version: 1, taskId: 'task-1', nextNodeId: 9, clusterIds: ['m-cluster-0', 'm-cluster-1'] });
        expect(await graphs.existingNodeIds('merger', [5, 8, 9, 100], tx)).toEqual(new Set([5, 8]));
        const node = { ...stored.nodes[0], id: 9, origId: 'added' };
        return graphs.append(
          'merger',
          'task-add',
          {
            nodes: [node, { ...node, id: 10, origId: 'added-2', clusterId: 'm-new' }],
            edges: [{ source: 9, target: 5, weight: 0.5, type: 'semantic', isIntraCluster: true, confidence: null }],
            newClusters: [{ id: 'm-new', name: 'New', description: '', size: 1, keyThemes: [] }],
            clusterGrowth: { 'm-cluster-0': 1 },
          },
          tx,
        );
      });

      expect(version).toBe(2);
      const graph = await graphs.get('merger');
      expect(graph).toMatchObject({ version: 2, taskId: 'task-add' });
      expect(graph?.nodes.map((node) => node.id)).toEqual([5, 6, 7, 8, 9, 10]);
      expect(graph?.edges).toHaveLength(4);
      expect(graph?.clusters.map((cluster) => [cluster.id, cluster.size])).toEqual([
        ['m-cluster-0', 3],
        ['m-cluster-1', 2],
        ['m-new', 1],
      ]);
    });

    it('has nothing to merge into for a user without a graph', async () => {
      await context.database.transaction(async (tx) => {
        expect(await graphs.lockForMerge('nobody', tx)).toBeUndefined();
        await expect(graphs.append('nobody', 't', { nodes: [], edges: [], newClusters: [], clusterGrowth: {} }, tx)).rejects.toThrow('no graph');
      });
    });

    it('serializes two transactions of one user on the graph lock', async () => {
      if (context.driver !== 'postgres') return; // PGlite has one connection: transactions never overlap
      const other = await context.otherConnection();
      const order: string[] = [];
      let release = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      const first = context.database.transaction(async (tx) => {
        await graphs.lockUser('locked', tx);
        order.push('first locked');
        await held;
        order.push('first done');
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const second = other.transaction(async (tx) => {
        await graphs.lockUser('locked', tx);
        order.push('second locked');
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      release();
      await Promise.all([first, second]);

      expect(order).toEqual(['first locked', 'first done', 'second locked']);
    });
  });

  describe('markSourcesIncluded', () => {
    it('sets graph_version on the listed pending sources of that user only', async () => {
      const db = context.database.db;
      const row = (userId: string, kind: 'conversation' | 'note', id: string, graphVersion: number | null = null) => ({ userId, kind, id, content: {}, graphVersion });
      await db
        .insert(sources)
        .values([row('src', 'conversation', 'c1'), row('src', 'note', 'n1'), row('src', 'note', 'c1'), row('src', 'conversation', 'old', 1), row('src-other', 'conversation', 'c1')]);

      const changed = await graphs.markSourcesIncluded('src', 3, [
        { kind: 'conversation', id: 'c1' },
        { kind: 'note', id: 'n1' },
        { kind: 'conversation', id: 'old' },
      ]);

      expect(changed).toBe(2);
      const rows = await db.select().from(sources).where(eq(sources.userId, 'src'));
      expect(Object.fromEntries(rows.map((source) => [`${source.kind}:${source.id}`, source.graphVersion]))).toEqual({
        'conversation:c1': 3,
        'note:n1': 3,
        'note:c1': null,
        'conversation:old': 1,
      });
      const [theirs] = await db.select().from(sources).where(eq(sources.userId, 'src-other'));
      expect(theirs?.graphVersion).toBeNull();
      expect(await graphs.markSourcesIncluded('src', 4, [])).toBe(0);
    });
  });
});
