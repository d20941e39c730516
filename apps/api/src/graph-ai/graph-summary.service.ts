import { HttpStatus, Injectable } from '@nestjs/common';
import { AwsEnvironment } from '@app/aws';
import { GraphRepository } from '@app/database';
import { NotificationType } from '@app/job-events';
import { buildEnvelope, encodeGraphResult, TaskType } from '@app/queue-contracts';
import { ApiEnvironment } from '../config/api.environment';
import { ApiException } from '../http/api.exception';
import { JobLauncher, type LaunchedJob } from '../jobs/job-launcher';
import { newTaskId } from './task-id';

/** Asks the AI to summarize the stored graph, re-encoded in the AI's own graph format. */
@Injectable()
export class GraphSummaryService {
  constructor(
    private readonly launcher: JobLauncher,
    private readonly graphs: GraphRepository,
    private readonly api: ApiEnvironment,
    private readonly aws: AwsEnvironment,
  ) {}

  async summarize(userId: string): Promise<LaunchedJob> {
    const graph = await this.graphs.get(userId);
    if (!graph) throw new ApiException(HttpStatus.NOT_FOUND, 'GRAPH_NOT_FOUND', 'Generate a graph before asking for its summary');
    const taskId = newTaskId('summary', userId);
    const key = `graph-summary/${taskId}/graph.json`;
    const language = this.api.GRAPH_LANGUAGE;
    return this.launcher.launch(
      {
        taskId,
        userId,
        kind: 'GRAPH_SUMMARY',
        inputKey: key,
        options: { language, graphVersion: graph.version },
        objects: [{ key, body: JSON.stringify(encodeGraphResult(graph)) }],
        envelope: buildEnvelope(TaskType.GRAPH_SUMMARY_REQUEST, taskId, { userId, graphS3Key: key, bucket: this.aws.S3_PAYLOAD_BUCKET, language }),
        events: { requested: NotificationType.GraphSummaryRequested, failed: NotificationType.GraphSummaryRequestFailed },
        exclusiveOf: ['GRAPH_SUMMARY'],
      },
      'Graph summary queued',
    );
  }
}
