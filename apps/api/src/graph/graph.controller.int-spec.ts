import { type ApiTestApp, bearer, bootApiTestApp, readProblem } from '../../test/api-test-app';
import { GraphController } from './graph.controller';

describe(GraphController.name, () => {
  let api: ApiTestApp;

  beforeAll(async () => {
    api = await bootApiTestApp('graph');
  });

  afterAll(async () => {
    await api?.close();
  });

  describe('get', () => {
    it('answers 404 GRAPH_NOT_FOUND before any graph was generated', async () => {
      const response = await fetch(`${api.base}/v1/graph`, { headers: bearer('fresh-user') });

      expect(response.status).toBe(404);
      expect(await readProblem(response)).toMatchObject({ status: 404, code: 'GRAPH_NOT_FOUND', detail: expect.any(String) as unknown });
    });
  });
});
