import { Injectable } from '@nestjs/common';
import { AwsEnvironment } from '@app/aws';
import { type JobKind, SourcesRepository } from '@app/database';
import { NotificationType } from '@app/job-events';
import { buildEnvelope, TaskType } from '@app/queue-contracts';
import { ApiEnvironment } from '../config/api.environment';
import { checkChatExport } from '../http/chat-export-body';
import { type JsonUpload } from '../http/json-body';
import { JobLauncher, type LaunchedJob } from '../jobs/job-launcher';
import { conversationsOf, notesFile, refsOf } from './source-bundle';
import { type SkippedJob } from './skipped-job';
import { newTaskId } from './task-id';

/** A new graph replaces the user's graph, so it never runs beside another graph-changing job. */
export const GRAPH_WRITING_KINDS: readonly JobKind[] = ['GRAPH_GENERATION', 'ADD_NODE'];

interface Bundle {
  readonly conversations: Buffer | string;
  readonly notes?: string;
  readonly sourceIds?: readonly { kind: string; id: string }[];
  /** The seed's test route never refused a second job; the sources route does (409). */
  readonly exclusive: boolean;
}

@Injectable()
export class GraphGenerationService {
  constructor(
    private readonly launcher: JobLauncher,
    private readonly sources: SourcesRepository,
    private readonly api: ApiEnvironment,
    private readonly aws: AwsEnvironment,
  ) {}

  /**
   * Queues a graph built from a ChatGPT export sent with the request. The bytes
   * stored are the upload's own, which the JSON gate checked (strict UTF-8, no
   * NUL, no lone surrogate, bounded depth), so the AI can read every one.
   */
  generateFromExport(userId: string, upload: JsonUpload, includeSummary = true): Promise<LaunchedJob> {
    checkChatExport(upload.value);
    return this.launch(userId, includeSummary, { conversations: upload.bytes, exclusive: false });
  }

  /** Queues a graph of every source the user imported; skipped when there is none. */
  async generateFromSources(userId: string, includeSummary = true): Promise<LaunchedJob | SkippedJob> {
    const rows = await this.sources.listAll(userId);
    if (rows.length === 0) return { message: 'There are no imported conversations or notes to build a graph from', status: 'skipped' };
    const bundle = { conversations: JSON.stringify(conversationsOf(rows)), notes: notesFile(rows), sourceIds: refsOf(rows), exclusive: true };
    return this.launch(userId, includeSummary, bundle);
  }

  private launch(userId: string, includeSummary: boolean, bundle: Bundle): Promise<LaunchedJob> {
    const taskId = newTaskId('task', userId);
    const prefix = `graph-generation/${taskId}/`;
    const language = this.api.GRAPH_LANGUAGE;
    const envelope = buildEnvelope(TaskType.GRAPH_GENERATION_REQUEST, taskId, {
      userId,
      s3Key: prefix,
      bucket: this.aws.S3_PAYLOAD_BUCKET,
      includeSummary,
      language,
      inputType: 'auto',
      minClusters: 3,
      maxClusters: 8,
    });
    const objects: { key: string; body: Buffer | string }[] = [{ key: `${prefix}input.json`, body: bundle.conversations }];
    if (bundle.notes) objects.push({ key: `${prefix}notes.json`, body: bundle.notes });
    return this.launcher.launch(
      {
        taskId,
        userId,
        kind: 'GRAPH_GENERATION',
        inputKey: prefix,
        options: { includeSummary, language, ...(bundle.sourceIds ? { sourceIds: bundle.sourceIds } : {}) },
        objects,
        envelope,
        events: { requested: NotificationType.GraphGenerationRequested, failed: NotificationType.GraphGenerationRequestFailed },
        exclusiveOf: bundle.exclusive ? GRAPH_WRITING_KINDS : undefined,
      },
      'Graph generation queued',
    );
  }
}
