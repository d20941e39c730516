import { HttpStatus, Injectable } from '@nestjs/common';
import { AwsEnvironment } from '@app/aws';
import { NotificationType } from '@app/job-events';
import { buildEnvelope, parseConversations, TaskType } from '@app/queue-contracts';
import { ApiEnvironment } from '../config/api.environment';
import { ApiException } from '../http/api.exception';
import { JobLauncher, type LaunchedJob } from '../jobs/job-launcher';
import { newTaskId } from './task-id';

export interface GraphGenerationOptions {
  readonly includeSummary?: boolean;
}

@Injectable()
export class GraphGenerationService {
  constructor(
    private readonly launcher: JobLauncher,
    private readonly api: ApiEnvironment,
    private readonly aws: AwsEnvironment,
  ) {}

  /** Queues a graph built from a ChatGPT export sent with the request. */
  async generateFromExport(userId: string, body: Buffer, options: GraphGenerationOptions): Promise<LaunchedJob> {
    assertConversations(body);
    const taskId = newTaskId('task', userId);
    const prefix = `graph-generation/${taskId}/`;
    const includeSummary = options.includeSummary ?? true;
    const envelope = buildEnvelope(TaskType.GRAPH_GENERATION_REQUEST, taskId, {
      userId,
      s3Key: prefix,
      bucket: this.aws.S3_PAYLOAD_BUCKET,
      includeSummary,
      language: this.api.GRAPH_LANGUAGE,
      inputType: 'auto',
      minClusters: 3,
      maxClusters: 8,
    });
    return this.launcher.launch(
      {
        taskId,
        userId,
        kind: 'GRAPH_GENERATION',
        inputKey: prefix,
        options: { includeSummary, language: this.api.GRAPH_LANGUAGE },
        objects: [{ key: `${prefix}input.json`, body }],
        envelope,
        events: { requested: NotificationType.GraphGenerationRequested, failed: NotificationType.GraphGenerationFailed },
      },
      'Graph generation queued',
    );
  }
}

function assertConversations(body: Buffer): void {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ApiException(HttpStatus.BAD_REQUEST, 'INVALID_JSON', 'The request body is not valid JSON');
  }
  if (!Array.isArray(value)) {
    throw new ApiException(HttpStatus.BAD_REQUEST, 'NOT_AN_ARRAY', 'The request body must be a JSON array of conversations (a ChatGPT export)');
  }
  const parsed = parseConversations(value);
  if (!parsed.ok) {
    throw new ApiException(HttpStatus.BAD_REQUEST, 'INVALID_CONVERSATIONS', 'The request body is not a ChatGPT export of conversations', parsed.problems);
  }
}
