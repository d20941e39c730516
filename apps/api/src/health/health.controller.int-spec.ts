import { type ApiTestApp, bootApiTestApp } from '../../test/api-test-app';
import { HealthController } from './health.controller';

describe(HealthController.name, () => {
  let api: ApiTestApp;

  beforeAll(async () => {
    api = await bootApiTestApp('health');
  });

  afterAll(async () => {
    await api?.close();
  });

  describe('live', () => {
    it('answers 200 without a token', async () => {
      const response = await fetch(`${api.base}/health/live`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });
    });
  });

  describe('ready', () => {
    it('answers 200 while the database answers', async () => {
      const response = await fetch(`${api.base}/health/ready`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });
    });
  });
});
