import { TaskType } from '@app/queue-contracts';
import { Logger } from '@nestjs/common';
import { contractJson, contractText } from '../test/contract-files';
import type { AddNodeHandler } from './add-node.handler';
import type { GraphGenerationHandler } from './graph-generation.handler';
import type { GraphSummaryHandler } from './graph-summary.handler';
import { RequestRouter } from './request.router';
import type { ResultSender } from './result.sender';

function golden(path: string): string {
  return contractText(path).replaceAll('<userId>', 'user-1').replaceAll('<payloadBucket>', 'bucket');
}

beforeAll(() => {
  Logger.overrideLogger(false);
});

describe(RequestRouter.name, () => {
  const signal = new AbortController().signal;
  let graphGeneration: { handle: jest.Mock };
  let addNode: { handle: jest.Mock };
  let graphSummary: { handle: jest.Mock };
  let results: { send: jest.Mock };
  let router: RequestRouter;

  beforeEach(() => {
    graphGeneration = { handle: jest.fn().mockResolvedValue(undefined) };
    addNode = { handle: jest.fn().mockResolvedValue(undefined) };
    graphSummary = { handle: jest.fn().mockResolvedValue(undefined) };
    results = { send: jest.fn().mockResolvedValue(undefined) };
    router = new RequestRouter(
      graphGeneration as unknown as GraphGenerationHandler,
      addNode as unknown as AddNodeHandler,
      graphSummary as unknown as GraphSummaryHandler,
      results as unknown as ResultSender,
    );
  });

  describe('handle', () => {
    it('hands each golden request to its handler with the task id and validated payload', async () => {
      await router.handle(golden('requests/graph-generation.json'), signal);
      await router.handle(golden('requests/add-node.json'), signal);
      await router.handle(golden('requests/graph-summary.json'), signal);
      expect(graphGeneration.handle).toHaveBeenCalledWith(
        'task_user-1_01JFB3M8Q2W7X5Z9C4V6N1R0TA',
        expect.objectContaining({ userId: 'user-1', s3Key: 'graph-generation/task_user-1_01JFB3M8Q2W7X5Z9C4V6N1R0TA/', includeSummary: true }),
        signal,
      );
      expect(addNode.handle).toHaveBeenCalledWith(expect.stringMatching(/^task_add_node_/), expect.objectContaining({ inputType: 'batch' }), signal);
      expect(graphSummary.handle).toHaveBeenCalledWith(expect.stringMatching(/^summary_/), expect.objectContaining({ language: 'en' }), signal);
      expect(results.send).not.toHaveBeenCalled();
    });

    it('answers an envelope without taskType with the real server\'s "unknown" echo', async () => {
      const echo = contractJson('results/unparseable-request-echo.json') as { payload: Record<string, unknown> };
      await router.handle(JSON.stringify({ taskId: 't-9', payload: { userId: 'user-1' } }), signal);
      expect(results.send).toHaveBeenCalledWith(TaskType.GRAPH_GENERATION_RESULT, 'unknown', expect.objectContaining(echo.payload));
      expect(graphGeneration.handle).not.toHaveBeenCalled();
    });

    it('keeps the task id and owner when only the payload is invalid, and answers with the request\'s own result type', async () => {
      const body = JSON.stringify({ taskId: 't-5', taskType: 'ADD_NODE_REQUEST', payload: { userId: 'user-1', language: 'en' } });
      await router.handle(body, signal);
      expect(results.send).toHaveBeenCalledWith(
        TaskType.ADD_NODE_RESULT,
        't-5',
        expect.objectContaining({ userId: 'user-1', status: 'FAILED', error: expect.stringContaining('s3Key\n  Field required') as unknown }),
      );
    });

    it('answers a result-type message on the request queue with a FAILED result instead of dropping it', async () => {
      await router.handle(golden('results/graph-generation-progress.json').replaceAll('<taskId>', 't-7'), signal);
      expect(results.send).toHaveBeenCalledWith(TaskType.GRAPH_GENERATION_RESULT, 't-7', expect.objectContaining({ status: 'FAILED', userId: 'user-1' }));
    });

    it('rejects when the handler could not answer, so the request is not deleted', async () => {
      graphGeneration.handle.mockRejectedValue(new Error('result queue down'));
      await expect(router.handle(golden('requests/graph-generation.json'), signal)).rejects.toThrow('result queue down');
    });
  });
});
