import { HttpStatus, Injectable } from '@nestjs/common';
import { AwsEnvironment } from '@app/aws';
import { GraphRepository, SourcesRepository } from '@app/database';
import { JOB_KIND_SPECS } from '@app/job-events';
import { buildEnvelope } from '@app/queue-contracts';
import { ApiEnvironment } from '../config/api.environment';
import { assertOwnMacroId } from '../graph/macro-id';
import { ApiException } from '../http/api.exception';
import { type GraphJobAccepted, GraphJobLauncher } from './graph-job-launcher';
import { type SkippedJob } from './skipped-job';
import { batchNote, conversationEntry } from './source-bundle';
import { jsonStream, selectedRefs, sourceEntries } from './streamed-sources';
import { newTaskId } from './task-id';

/** Adds the sources imported since the last graph to the stored graph. */
@Injectable()
export class AddNodeService {
  constructor(
    private readonly launcher: GraphJobLauncher,
    private readonly graphs: GraphRepository,
    private readonly sources: SourcesRepository,
    private readonly api: ApiEnvironment,
    private readonly aws: AwsEnvironment,
  ) {}

  /** 404 for a macroId that is not the user's graph, and without a graph. */
  async addPendingSources(userId: string, macroId?: string): Promise<GraphJobAccepted | SkippedJob> {
    assertOwnMacroId(userId, macroId);
    const graph = await this.graphs.get(userId);
    if (!graph) throw new ApiException(HttpStatus.NOT_FOUND, 'GRAPH_NOT_FOUND', 'Generate a graph before adding to it');
    const pending = await selectedRefs(this.sources, userId, { pendingOnly: true, now: new Date() });
    if (pending.length === 0) return { message: 'No conversations or notes were imported since the last graph', status: 'skipped' };
    const taskId = newTaskId('ADD_NODE', userId);
    const key = `add-node/${taskId}/batch.json`;
    const existingClusters = graph.clusters.map((cluster) => ({
      id: cluster.id,
      name: cluster.name,
      description: cluster.description,
      size: cluster.size,
      themes: cluster.keyThemes,
    }));
    const list = { userId, refs: pending, pendingOnly: true };
    // Same bytes as JSON.stringify({ userId, existingClusters, conversations, notes }), streamed a page at a time.
    const batch = jsonStream([
      `{"userId":${JSON.stringify(userId)},"existingClusters":${JSON.stringify(existingClusters)},"conversations":[`,
      sourceEntries(this.sources, { ...list, kind: 'conversation', entry: conversationEntry }),
      '],"notes":[',
      sourceEntries(this.sources, { ...list, kind: 'note', entry: batchNote }),
      ']}',
    ]);
    const language = this.api.GRAPH_LANGUAGE;
    return this.launcher.launch(
      {
        taskId,
        userId,
        kind: 'ADD_NODE',
        inputKey: key,
        options: { language, sourceIds: pending, graphVersion: graph.version },
        objects: [{ key, body: batch }],
        envelope: buildEnvelope(JOB_KIND_SPECS.ADD_NODE.requestType, taskId, { userId, s3Key: key, bucket: this.aws.S3_PAYLOAD_BUCKET, inputType: 'batch', language }),
        exclusive: true,
      },
      'Adding to the graph queued',
    );
  }
}
