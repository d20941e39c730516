import { bootDatabaseModule, type DatabaseTestContext } from '../test/database-test-module';
import { graphFactory } from '../test/factories/graph.factory';
import { TEST_DRIVERS } from '../test/test-database';
import { GraphRepository } from './graph.repository';
import { type GraphWrite } from './graph.types';

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
    });
  });
});
