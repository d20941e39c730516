import { Injectable } from '@nestjs/common';
import { AwsEnvironment } from '@app/aws';
import { SourcesRepository } from '@app/database';
import { JOB_KIND_SPECS } from '@app/job-events';
import { buildEnvelope } from '@app/queue-contracts';
import { ApiEnvironment } from '../config/api.environment';
import { assertOwnMacroId } from '../graph/macro-id';
import { Readable } from 'node:stream';
import { type BodyInCheck, type JobLaunch } from '../jobs/job-launcher';
import { type GenerateGraphDto } from './generate-graph.dto';
import { type GraphJobAccepted, GraphJobLauncher } from './graph-job-launcher';
import { conversationEntry, noteNode, type SourceRef } from './source-bundle';
import { type ScopeFilter, scopeOf } from './source-scope';
import { type SkippedJob } from './skipped-job';
import { jsonStream, selectedRefs, sourceEntries } from './streamed-sources';
import { newTaskId } from './task-id';

/** A new graph replaces the user's graph, so it never runs beside another graph-changing job. */

interface Bundle {
  readonly conversations: string | Readable | BodyInCheck;
  readonly notes?: Readable;
  /** What the job's options record besides includeSummary and language. */
  readonly options?: Record<string, unknown>;
  /** The seed's test route never refused a second job; the sources route does (409). */
  readonly exclusive: boolean;
}

@Injectable()
export class GraphGenerationService {
  constructor(
    private readonly launcher: GraphJobLauncher,
    private readonly sources: SourcesRepository,
    private readonly api: ApiEnvironment,
    private readonly aws: AwsEnvironment,
  ) {}

  /**
   * Queues a graph built from a ChatGPT export sent with the request, streamed
   * to S3 as it is checked (see checkedExport): the bytes stored are the
   * upload's own, which the JSON gate checked (strict UTF-8, no NUL, no lone
   * surrogate, bounded depth), so the AI can read every one; only a
   * conversation whose id had to be derived is written anew, with it. A refused
   * export fails the upload, which is aborted or removed: nothing is stored or queued.
   */
  generateFromExport(userId: string, conversations: BodyInCheck | Readable, includeSummary = true): Promise<GraphJobAccepted> {
    return this.launch(userId, includeSummary, { conversations, exclusive: false });
  }

  /**
   * Queues a graph of the user's sources, narrowed by a manual scopeFilter;
   * skipped when none is left. 404 for a macroId that is not the user's graph.
   */
  async generateFromSources(userId: string, request: GenerateGraphDto): Promise<GraphJobAccepted | SkippedJob> {
    assertOwnMacroId(userId, request.macroId);
    const scope = request.scopeFilter && scopeOf(request.scopeFilter);
    const refs = await selectedRefs(this.sources, userId, { scope, now: new Date() });
    if (refs.length === 0) {
      const message = scope ? 'No imported conversations or notes match the scope filter' : 'There are no imported conversations or notes to build a graph from';
      return { message, status: 'skipped' };
    }
    const bundle = {
      conversations: jsonStream(['[', sourceEntries(this.sources, { userId, kind: 'conversation', refs, entry: conversationEntry }), ']']),
      notes: notesFile(this.sources, userId, refs),
      options: { sourceIds: refs, ...requestOptions(request, scope) },
      exclusive: true,
    };
    return this.launch(userId, request.includeSummary ?? true, bundle);
  }

  private launch(userId: string, includeSummary: boolean, bundle: Bundle): Promise<GraphJobAccepted> {
    const taskId = newTaskId('GRAPH_GENERATION', userId);
    const prefix = `graph-generation/${taskId}/`;
    const language = this.api.GRAPH_LANGUAGE;
    const envelope = buildEnvelope(JOB_KIND_SPECS.GRAPH_GENERATION.requestType, taskId, {
      userId,
      s3Key: prefix,
      bucket: this.aws.S3_PAYLOAD_BUCKET,
      includeSummary,
      language,
      inputType: 'auto',
      minClusters: 3,
      maxClusters: 8,
    });
    const objects: JobLaunch['objects'][number][] = [{ key: `${prefix}input.json`, body: bundle.conversations }];
    if (bundle.notes) objects.push({ key: `${prefix}notes.json`, body: bundle.notes });
    return this.launcher.launch(
      {
        taskId,
        userId,
        kind: 'GRAPH_GENERATION',
        inputKey: prefix,
        options: { includeSummary, language, ...bundle.options },
        objects,
        envelope,
        exclusive: bundle.exclusive,
      },
      'Graph generation queued',
    );
  }
}

/** `notes.json` (CONTRACT.md), streamed from the stored notes; none without notes. */
function notesFile(sources: SourcesRepository, userId: string, refs: readonly SourceRef[]): Readable | undefined {
  if (!refs.some((ref) => ref.kind === 'note')) return undefined;
  return jsonStream(['{"source_nodes":[', sourceEntries(sources, { userId, kind: 'note', refs, entry: noteNode }), ']}']);
}

/** The web client's graph metadata and scope, as sent (validated), for the job's options. */
function requestOptions(request: GenerateGraphDto, scope: ScopeFilter | undefined): Record<string, unknown> {
  return {
    ...(scope ? { scopeFilter: scope } : {}),
    ...(request.title !== undefined ? { title: request.title } : {}),
    ...(request.description !== undefined ? { description: request.description } : {}),
  };
}
