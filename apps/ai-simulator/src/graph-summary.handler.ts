import { parseGraphResult, TaskType, type GraphSummaryRequestPayload, type GraphSummaryResultPayload } from '@app/queue-contracts';
import { Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { BundleStore } from './bundle.store';
import { AiSimulatorConfig } from './config/ai-simulator.config';
import { settleJob } from './job-outcome';
import { naiveTimestamp, preciseNow } from './naive-timestamp';
import { ResultSender } from './result.sender';
import { isFatalFailure, SIMULATED_FAILURES } from './simulated-failure';
import { buildSummary } from './summary.builder';

/** GRAPH_SUMMARY_REQUEST: reads the graph, writes `graph-summary/{taskId}/summary.json`, sends GRAPH_SUMMARY_RESULT. */
@Injectable()
export class GraphSummaryHandler {
  private readonly logger = new Logger(GraphSummaryHandler.name);

  constructor(
    private readonly bundles: BundleStore,
    private readonly results: ResultSender,
    private readonly config: AiSimulatorConfig,
  ) {}

  async handle(taskId: string, request: GraphSummaryRequestPayload, signal: AbortSignal): Promise<void> {
    const result = (fields: Partial<GraphSummaryResultPayload>): GraphSummaryResultPayload => ({
      userId: request.userId,
      status: 'FAILED',
      summaryS3Key: null,
      chatId: request.chatId ?? null,
      error: null,
      errorCode: null,
      ...fields,
    });
    const outcome = await settleJob(signal, this.logger, () => this.run(taskId, request, signal, result), (error) => result({ error }));
    await this.results.send(TaskType.GRAPH_SUMMARY_RESULT, taskId, outcome);
  }

  private async run(
    taskId: string,
    request: GraphSummaryRequestPayload,
    signal: AbortSignal,
    result: (fields: Partial<GraphSummaryResultPayload>) => GraphSummaryResultPayload,
  ): Promise<GraphSummaryResultPayload> {
    const parsed = parseGraphResult(await this.bundles.readJson(request.graphS3Key));
    if (!parsed.ok) throw new Error(`${request.graphS3Key}: ${parsed.problems.slice(0, 5).join('; ')}`);
    await sleep(this.config.AI_SIMULATOR_STEP_DELAY_MS, undefined, { signal });
    const failure = this.config.AI_SIMULATOR_FAILURE;
    if (isFatalFailure(failure)) return result({ error: SIMULATED_FAILURES[failure], errorCode: failure });
    if (failure === 'SUMMARY_FAILED') return result({ error: SIMULATED_FAILURES.SUMMARY_FAILED });
    const key = `graph-summary/${taskId}/summary.json`;
    await this.bundles.writeJson(key, buildSummary(parsed.graph.nodes, naiveTimestamp(preciseNow())));
    return result({ status: 'COMPLETED', summaryS3Key: key });
  }
}
