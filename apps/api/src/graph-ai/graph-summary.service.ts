import { HttpStatus, Injectable } from '@nestjs/common';
import { AwsEnvironment } from '@app/aws';
import { GraphLifecycleRepository, GraphRepository } from '@app/database';
import { JOB_KIND_SPECS } from '@app/job-events';
import { buildEnvelope, encodeGraphResult } from '@app/queue-contracts';
import { ApiEnvironment } from '../config/api.environment';
import { assertOwnMacroId } from '../graph/macro-id';
import { ApiException } from '../http/api.exception';
import { type GraphJobAccepted, GraphJobLauncher } from './graph-job-launcher';
import { type GraphSummaryView, summaryView } from './summary-view';
import { newTaskId } from './task-id';

/** The graph's summary: asking the AI for one (the stored graph re-encoded in the AI's own format), and reading it. */
@Injectable()
export class GraphSummaryService {
  constructor(
    private readonly launcher: GraphJobLauncher,
    private readonly graphs: GraphRepository,
    private readonly lifecycle: GraphLifecycleRepository,
    private readonly api: ApiEnvironment,
    private readonly aws: AwsEnvironment,
  ) {}

  /** 404 for a macroId that is not the user's graph, and without a graph. */
  async summarize(userId: string, macroId?: string): Promise<GraphJobAccepted> {
    assertOwnMacroId(userId, macroId);
    const graph = await this.graphs.get(userId);
    if (!graph) throw new ApiException(HttpStatus.NOT_FOUND, 'GRAPH_NOT_FOUND', 'Generate a graph before asking for its summary');
    const taskId = newTaskId('GRAPH_SUMMARY', userId);
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
        envelope: buildEnvelope(JOB_KIND_SPECS.GRAPH_SUMMARY.requestType, taskId, { userId, graphS3Key: key, bucket: this.aws.S3_PAYLOAD_BUCKET, language }),
        exclusive: true,
      },
      'Graph summary queued',
    );
  }

  /** The newest summary in the SDK's shape, an empty one when there is none (never 404 but for a foreign macroId). */
  async read(userId: string, macroId?: string): Promise<GraphSummaryView> {
    assertOwnMacroId(userId, macroId);
    const [stored, counts] = await Promise.all([this.graphs.getSummary(userId), this.lifecycle.countSources(userId)]);
    return summaryView(stored, { conversations: counts.conversation, notes: counts.note }, new Date());
  }
}
