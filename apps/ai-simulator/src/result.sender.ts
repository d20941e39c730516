import { QueuePublisher } from '@app/aws';
import type { ResultTaskType, TaskPayloads } from '@app/queue-contracts';
import { Injectable, Logger } from '@nestjs/common';
import { AiSimulatorConfig } from './config/ai-simulator.config';
import { buildResultEnvelope } from './result-envelope';

/** Puts progress and result envelopes on the result queue. */
@Injectable()
export class ResultSender {
  private readonly logger = new Logger(ResultSender.name);

  constructor(
    private readonly publisher: QueuePublisher,
    private readonly config: AiSimulatorConfig,
  ) {}

  async send<T extends ResultTaskType>(taskType: T, taskId: string, payload: TaskPayloads[T]): Promise<void> {
    await this.publisher.send(this.config.SQS_RESULT_QUEUE_URL, buildResultEnvelope(taskType, taskId, payload));
    const status = 'status' in payload ? ` ${payload.status}` : '';
    this.logger.log(`[${taskId}] sent ${taskType}${status}`);
  }
}
