import { eq, sql } from 'drizzle-orm';
import { bootDatabaseModule, type DatabaseTestContext } from '../test/database-test-module';
import { graphFactory } from '../test/factories/graph.factory';
import { jobFactory } from '../test/factories/job.factory';
import { TEST_DRIVERS } from '../test/test-database';
import { GraphLifecycleRepository } from './graph-lifecycle.repository';
import { GraphRepository } from './graph.repository';
import { JobsRepository } from './jobs.repository';
import { graphClusters, graphEdges, graphNodes, graphs, graphSubclusters, graphSummaries, sources } from './schema';

const WINDOW = 3600;

describe.each(TEST_DRIVERS)(`${GraphLifecycleRepository.name} (%s)`, (driver) => {
  let context: DatabaseTestContext;
  let lifecycle: GraphLifecycleRepository;
  let graphRepository: GraphRepository;

  beforeAll(async () => {
    context = await bootDatabaseModule(driver);
    lifecycle = context.moduleRef.get(GraphLifecycleRepository);
    graphRepository = context.moduleRef.get(GraphRepository);
  });

  afterAll(async () => {
    await context.close();
  });

  const db = () => context.database.db;
  const store = async (userId: string) => {
    const version = await graphRepository.replace(userId, `task-${userId}`, graphFactory.create({ nodes: 4, tag: userId }));
    await graphRepository.saveSummary(userId, version, `summary-${userId}`, { overview: { summary_text: userId } });
    return version;
  };
  /** Moves every delete stamp of the user `seconds` into the past. */
  const age = async (userId: string, seconds: number) => {
    const stamp = sql`now() - make_interval(secs => ${seconds}::integer)`;
    await db().update(graphs).set({ deletedAt: stamp }).where(sql`${graphs.userId} = ${userId} AND ${graphs.deletedAt} IS NOT NULL`);
    await db().update(graphSummaries).set({ deletedAt: stamp }).where(sql`${graphSummaries.userId} = ${userId} AND ${graphSummaries.deletedAt} IS NOT NULL`);
  };
  const rowsOf = async (userId: string) => {
    const counts = await Promise.all(
      [graphs, graphNodes, graphEdges, graphClusters, graphSubclusters, graphSummaries].map(async (table) => (await db().select().from(table).where(eq(table.userId, userId))).length),
    );
    return counts;
  };

  describe('softDeleteGraph / restoreGraph', () => {
    it('hides the graph and its summary from GraphRepository until restored within the window', async () => {
      await store('soft');
      expect(await lifecycle.softDeleteGraph('soft')).toBe(true);
      expect(await graphRepository.get('soft')).toBeUndefined();
      expect(await graphRepository.getSummary('soft')).toBeUndefined();
      expect(await lifecycle.softDeleteGraph('soft')).toBe(false);

      await age('soft', WINDOW - 60);
      expect(await lifecycle.restoreGraph('soft', WINDOW)).toBe(true);
      expect((await graphRepository.get('soft'))?.nodes).toHaveLength(4);
      expect(await graphRepository.getSummary('soft')).toMatchObject({ summary: { overview: { summary_text: 'soft' } } });
      expect(await lifecycle.restoreGraph('soft', WINDOW)).toBe(false);
    });

    it('does not restore once the window has passed, nor a graph that is not deleted, nor none', async () => {
      await store('late');
      await lifecycle.softDeleteGraph('late');
      await age('late', WINDOW + 60);
      expect(await lifecycle.restoreGraph('late', WINDOW)).toBe(false);
      expect(await graphRepository.get('late')).toBeUndefined();
      expect(await lifecycle.restoreGraph('late', WINDOW * 2)).toBe(true);
      expect(await lifecycle.restoreGraph('nobody', WINDOW)).toBe(false);
      expect(await lifecycle.softDeleteGraph('nobody')).toBe(false);
    });
  });

  describe('purgeGraph', () => {
    it('removes the graphs row with every graph table\'s rows and all summaries, and marks the sources as in no graph; others keep theirs', async () => {
      const version = await store('purged');
      await graphRepository.saveSummary('purged', version + 7, 'summary-other', { overview: {} });
      await store('kept');
      await db()
        .insert(sources)
        .values(['purged', 'kept'].map((userId) => ({ userId, kind: 'note' as const, id: 'n1', content: 'x', graphVersion: version })));
      expect((await rowsOf('purged')).every((count) => count > 0)).toBe(true);

      expect(await lifecycle.purgeGraph('purged')).toBe(true);

      expect(await rowsOf('purged')).toEqual([0, 0, 0, 0, 0, 0]);
      expect((await rowsOf('kept')).every((count) => count > 0)).toBe(true);
      const left = await db().select({ userId: sources.userId, graphVersion: sources.graphVersion }).from(sources).orderBy(sources.userId);
      expect(left).toEqual([
        { userId: 'kept', graphVersion: version },
        { userId: 'purged', graphVersion: null },
      ]);
      expect(await lifecycle.purgeGraph('purged')).toBe(false);
    });
  });

  describe('softDeleteSummaries / restoreSummaries / purgeSummaries', () => {
    it('deletes every summary with one stamp and restores those of the latest delete only, within the window', async () => {
      const version = await store('sums');
      await graphRepository.saveSummary('sums', version + 1, 'summary-2', { overview: { summary_text: 'second' } });
      expect(await lifecycle.softDeleteSummaries('sums')).toBe(2);
      expect(await graphRepository.getSummary('sums')).toBeUndefined();
      expect(await lifecycle.softDeleteSummaries('sums')).toBe(0);
      await age('sums', 600);
      await graphRepository.saveSummary('sums', version + 2, 'summary-3', { overview: { summary_text: 'third' } });
      expect(await lifecycle.softDeleteSummaries('sums')).toBe(1);

      expect(await lifecycle.restoreSummaries('sums', WINDOW)).toBe(1);
      expect((await graphRepository.getSummary('sums'))?.taskId).toBe('summary-3');
      expect(await lifecycle.restoreSummaries('sums', WINDOW)).toBe(2);
      expect(await lifecycle.restoreSummaries('sums', WINDOW)).toBe(0);
    });

    it('does not restore summaries deleted before the window', async () => {
      await store('old-sums');
      await lifecycle.softDeleteSummaries('old-sums');
      await age('old-sums', WINDOW + 1);
      expect(await lifecycle.restoreSummaries('old-sums', WINDOW)).toBe(0);
      expect(await graphRepository.getSummary('old-sums')).toBeUndefined();
    });

    it('purges every summary of the user, deleted or not, and nobody else\'s', async () => {
      const version = await store('purge-sums');
      await graphRepository.saveSummary('purge-sums', version + 1, 'summary-2', { overview: {} });
      await lifecycle.softDeleteSummaries('purge-sums');
      await graphRepository.saveSummary('purge-sums', version + 2, 'summary-3', { overview: {} });
      await store('other-sums');
      expect(await lifecycle.purgeSummaries('purge-sums')).toBe(3);
      expect(await lifecycle.restoreSummaries('purge-sums', WINDOW)).toBe(0);
      expect(await graphRepository.getSummary('other-sums')).toBeDefined();
    });
  });

  describe('finishedJobFiles', () => {
    it('lists the keys of the user\'s finished jobs of the given kinds; live jobs, other kinds and other users are left out', async () => {
      const jobs = context.moduleRef.get(JobsRepository);
      const make = (overrides: Parameters<typeof jobFactory.create>[0]) => jobs.create(jobFactory.create({ userId: 'files', ...overrides }));
      await make({ taskId: 'done', status: 'SUCCEEDED', resultKey: 'graph-results/done/graph.json' });
      await make({ taskId: 'failed', status: 'FAILED' });
      await make({ taskId: 'summary', kind: 'GRAPH_SUMMARY', status: 'CANCELLED', inputKey: 'graph-summary/summary/graph.json' });
      await make({ taskId: 'queued', status: 'QUEUED' });
      await make({ taskId: 'running', kind: 'ADD_NODE', status: 'RUNNING', inputKey: 'add-node/running/batch.json' });
      await make({ taskId: 'theirs', userId: 'files-other', status: 'SUCCEEDED' });

      const listed = await lifecycle.finishedJobFiles('files', ['GRAPH_GENERATION', 'ADD_NODE']);
      expect(listed.sort((a, b) => a.taskId.localeCompare(b.taskId))).toEqual([
        { taskId: 'done', kind: 'GRAPH_GENERATION', inputKey: 'graph-generation/done/', resultKey: 'graph-results/done/graph.json' },
        { taskId: 'failed', kind: 'GRAPH_GENERATION', inputKey: 'graph-generation/failed/', resultKey: null },
      ]);
      expect((await lifecycle.finishedJobFiles('files', ['GRAPH_SUMMARY'])).map((job) => job.taskId)).toEqual(['summary']);
    });
  });

  describe('countSources', () => {
    it('counts the user\'s sources per kind, zero for none', async () => {
      await db()
        .insert(sources)
        .values([
          { userId: 'counted', kind: 'conversation', id: 'c1', content: {} },
          { userId: 'counted', kind: 'conversation', id: 'c2', content: {} },
          { userId: 'counted', kind: 'note', id: 'n1', content: 'x' },
          { userId: 'counted-other', kind: 'note', id: 'n1', content: 'x' },
        ]);
      expect(await lifecycle.countSources('counted')).toEqual({ conversation: 2, note: 1 });
      expect(await lifecycle.countSources('uncounted')).toEqual({ conversation: 0, note: 0 });
    });
  });
});
