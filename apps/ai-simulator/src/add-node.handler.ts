import { TaskType, type AddNodeRequestPayload, type AddNodeResultPayload } from '@app/queue-contracts';
import { Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildAddNodeResult } from './add-node-result.builder';
import { BundleStore } from './bundle.store';
import { AiSimulatorConfig } from './config/ai-simulator.config';
import { settleJob } from './job-outcome';
import { ResultSender } from './result.sender';
import { isFatalFailure, SIMULATED_FAILURES } from './simulated-failure';

/** ADD_NODE_REQUEST: reads batch.json, writes `add-node-results/{taskId}/result.json`, sends ADD_NODE_RESULT. */
@Injectable()
export class AddNodeHandler {
  private readonly logger = new Logger(AddNodeHandler.name);

  constructor(
    private readonly bundles: BundleStore,
    private readonly results: ResultSender,
    private readonly config: AiSimulatorConfig,
  ) {}

  async handle(taskId: string, request: AddNodeRequestPayload, signal: AbortSignal): Promise<void> {
    const failed = (error: string): AddNodeResultPayload => ({ userId: request.userId, status: 'FAILED', resultS3Key: null, error });
    const outcome = await settleJob(signal, this.logger, () => this.run(taskId, request, signal), failed);
    await this.results.send(TaskType.ADD_NODE_RESULT, taskId, outcome);
  }

  private async run(taskId: string, request: AddNodeRequestPayload, signal: AbortSignal): Promise<AddNodeResultPayload> {
    const batch = await this.bundles.readAddNodeBatch(request.s3Key);
    await sleep(this.config.AI_SIMULATOR_STEP_DELAY_MS, undefined, { signal });
    const failure = this.config.AI_SIMULATOR_FAILURE;
    if (isFatalFailure(failure)) {
      return { userId: request.userId, status: 'FAILED', resultS3Key: null, error: SIMULATED_FAILURES[failure] };
    }
    const key = `add-node-results/${taskId}/result.json`;
    await this.bundles.writeJson(key, buildAddNodeResult(request.userId, batch.sources, batch.existing));
    return { userId: request.userId, status: 'COMPLETED', resultS3Key: key, error: null };
  }
}
