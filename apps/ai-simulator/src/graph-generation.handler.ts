import { parseGraphResult, TaskType, type GraphGenerationRequestPayload, type GraphGenerationResultPayload } from '@app/queue-contracts';
import { Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { BundleStore } from './bundle.store';
import { AiSimulatorConfig } from './config/ai-simulator.config';
import { buildFeatures } from './features.builder';
import { buildGraph } from './graph.builder';
import { settleJob } from './job-outcome';
import { naiveTimestamp, preciseNow } from './naive-timestamp';
import { failedGraphResult, graphResult } from './result-envelope';
import { ResultSender } from './result.sender';
import { isFatalFailure, SIMULATED_FAILURES } from './simulated-failure';
import { buildSummary } from './summary.builder';

const STAGES = ['[1단계] 임베딩 생성 중', '[2단계] 클러스터링 중', '[3단계] 그래프 구성 중'];
const SUMMARY_STAGE = '[4단계] 요약 생성 중';

/** GRAPH_GENERATION_REQUEST: progress per stage, then graph, features and summary files, then the result. */
@Injectable()
export class GraphGenerationHandler {
  private readonly logger = new Logger(GraphGenerationHandler.name);

  constructor(
    private readonly bundles: BundleStore,
    private readonly results: ResultSender,
    private readonly config: AiSimulatorConfig,
  ) {}

  async handle(taskId: string, request: GraphGenerationRequestPayload, signal: AbortSignal): Promise<void> {
    const outcome = await settleJob(signal, this.logger, () => this.run(taskId, request, signal), (error) =>
      failedGraphResult(request.userId, error, null),
    );
    await this.results.send(TaskType.GRAPH_GENERATION_RESULT, taskId, outcome);
  }

  private async run(taskId: string, request: GraphGenerationRequestPayload, signal: AbortSignal): Promise<GraphGenerationResultPayload> {
    const failure = this.config.AI_SIMULATOR_FAILURE;
    const includeSummary = request.includeSummary ?? true; // the AI's default
    const stages = includeSummary ? [...STAGES, SUMMARY_STAGE] : STAGES;
    const step = (index: number) => this.step(taskId, request.userId, stages, index, signal);

    await step(0);
    const sources = await this.bundles.readGraphInput(request.s3Key);
    if (isFatalFailure(failure)) return failedGraphResult(request.userId, SIMULATED_FAILURES[failure], failure);
    await step(1);
    const graph = buildGraph(sources, { ...request, generatedAt: naiveTimestamp(preciseNow()) });
    await step(2);
    const parsed = parseGraphResult(graph);
    if (!parsed.ok) throw new Error(`simulator built an invalid graph: ${parsed.problems.join('; ')}`);
    const keys = { graph: `graph-results/${taskId}/graph_final.json`, features: `graph-results/${taskId}/features.json` };
    await this.bundles.writeJson(keys.graph, graph);
    await this.bundles.writeJson(keys.features, buildFeatures(graph));
    const result = graphResult(request.userId, 'COMPLETED', { resultS3Key: keys.graph, featuresS3Key: keys.features });
    if (!includeSummary) return result;

    await step(3);
    if (failure === 'SUMMARY_FAILED') return { ...result, error: SIMULATED_FAILURES.SUMMARY_FAILED };
    const summaryKey = `graph-results/${taskId}/summary.json`;
    await this.bundles.writeJson(summaryKey, buildSummary(parsed.graph.nodes, naiveTimestamp(preciseNow())));
    return { ...result, summaryS3Key: summaryKey, summaryIncluded: true };
  }

  /** Waits one step, then reports the stage; the first stage has no ETA yet, as in the real pipeline. */
  private async step(taskId: string, userId: string, stages: string[], index: number, signal: AbortSignal): Promise<void> {
    const delay = this.config.AI_SIMULATOR_STEP_DELAY_MS;
    await sleep(delay, undefined, { signal });
    const remaining = stages.length - index;
    await this.results.send(TaskType.GRAPH_GENERATION_PROGRESS, taskId, {
      userId,
      currentStage: stages[index],
      progressPercent: index === 0 ? 33 : 50,
      etaSeconds: index === 0 ? null : Math.ceil((remaining * delay) / 1000),
    });
  }
}
