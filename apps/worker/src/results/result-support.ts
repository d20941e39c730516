import { Injectable, Logger } from '@nestjs/common';
import { ObjectStore, ObjectStoreError } from '@app/aws';
import { type Db, type Job, type JobKind, type JobPatch, JobsRepository, LateResultsRepository } from '@app/database';
import { type EventDraft, JobLedger, type NotificationType } from '@app/job-events';
import { type ResultTaskType } from '@app/queue-contracts';
import { type Outcome, Outcomes } from '../consumer/outcome';
import { userMessageFor } from './failure-messages';
import { JobMatcher } from './job-matcher';
import { type EnvelopeOf } from './result-handler';
import { resolveResultKey } from './result-key';

/** A final result envelope (progress has its own handler). */
export type FinalEnvelope = EnvelopeOf<Exclude<ResultTaskType, 'GRAPH_GENERATION_PROGRESS'>>;

/** A result that answers a live job of ours; `failedEvent` is the job kind's failure notification. */
export interface ResultContext {
  readonly envelope: FinalEnvelope;
  readonly job: Job;
  readonly failedEvent: NotificationType;
}

/** Either a value to go on with, or the outcome the handler returns as is. */
export type Step<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly outcome: Outcome };

/** Adapts one of the file parsers of @app/queue-contracts. */
export type FileParser<T> = (value: unknown) => { ok: true; value: T } | { ok: false; problems: string[] };

/** A result file read from the payload bucket. */
export interface ResultFile<T> {
  readonly key: string;
  readonly value: T;
}

/** An optional extra file (the summary of a generation): unreadable means a warning, not a failure. */
export type ExtraFile<T> = { readonly ok: true; readonly file: ResultFile<T> } | { readonly ok: false; readonly warning: string } | { readonly ok: 'stop'; readonly outcome: Outcome };

type Download<T> = { ok: true; value: T } | { ok: false; code: string; detail: string } | { ok: 'retry'; reason: string };

/** Work inside the ledger transaction; what it returns is merged into the job's patch before the transition. */
export type ResultWork = (tx: Db, job: Job) => Promise<JobPatch | void>;

const ACTIVE = ['QUEUED', 'RUNNING'] as const;

/** Joins the non-empty parts of a job warning; null when there are none. */
export function joinWarnings(...parts: readonly (string | null | undefined)[]): string | null {
  const kept = parts.filter((part): part is string => typeof part === 'string' && part !== '');
  return kept.length > 0 ? kept.join('; ') : null;
}

/**
 * The rules every final result follows, kept in one place:
 * authenticity (a job we issued, same owner and kind), late results recorded
 * and never applied, result keys confined to the payload bucket, S3 errors
 * mapped (transient: retry; missing: RESULT_NOT_FOUND; unreadable:
 * RESULT_INVALID), and state changes only through the ledger.
 */
@Injectable()
export class ResultSupport {
  private readonly logger = new Logger(ResultSupport.name);

  constructor(
    private readonly matcher: JobMatcher,
    private readonly ledger: JobLedger,
    private readonly store: ObjectStore,
    private readonly jobs: JobsRepository,
    private readonly lateResults: LateResultsRepository,
  ) {}

  /** The live job this result answers; a foreign result is dead-lettered, a late one recorded and acknowledged. */
  async accept(envelope: FinalEnvelope, kind: JobKind, failedEvent: NotificationType): Promise<Step<ResultContext>> {
    const match = await this.matcher.match(envelope.taskId, envelope.payload.userId, kind);
    if (!match.ok) return { ok: false, outcome: Outcomes.deadLetter(match.reason) };
    if (!ACTIVE.includes(match.job.status as (typeof ACTIVE)[number])) {
      return { ok: false, outcome: await this.recordLate(envelope, match.job) };
    }
    return { ok: true, value: { envelope, job: match.job, failedEvent } };
  }

  /**
   * Reads the result file a COMPLETED result points at. No key fails the job
   * (RESULT_MISSING); a key outside the payload bucket is dead-lettered.
   */
  async readResult<T>(context: ResultContext, field: string, rawKey: string | null, parse: FileParser<T>): Promise<Step<ResultFile<T>>> {
    if (!rawKey) return { ok: false, outcome: await this.fail(context, 'RESULT_MISSING', `COMPLETED without ${field}`) };
    const resolved = resolveResultKey(rawKey, this.store.bucket);
    if (!resolved.ok) return { ok: false, outcome: Outcomes.deadLetter(`${field}: ${resolved.reason}`) };
    const download = await this.download(resolved.key, parse);
    if (download.ok === 'retry') return { ok: false, outcome: Outcomes.retry(download.reason) };
    if (!download.ok) return { ok: false, outcome: await this.fail(context, download.code, download.detail) };
    return { ok: true, value: { key: resolved.key, value: download.value } };
  }

  /** Reads an optional extra file; a missing or unreadable one becomes a warning, a transient error a retry. */
  async readExtra<T>(field: string, rawKey: string, parse: FileParser<T>): Promise<ExtraFile<T>> {
    const resolved = resolveResultKey(rawKey, this.store.bucket);
    if (!resolved.ok) return { ok: 'stop', outcome: Outcomes.deadLetter(`${field}: ${resolved.reason}`) };
    const download = await this.download(resolved.key, parse);
    if (download.ok === 'retry') return { ok: 'stop', outcome: Outcomes.retry(download.reason) };
    if (!download.ok) {
      this.logger.warn(`${field} ${resolved.key} unusable (${download.code}): ${download.detail}`);
      return { ok: false, warning: `${field} could not be read (${download.code})` };
    }
    return { ok: true, file: { key: resolved.key, value: download.value } };
  }

  /**
   * Succeeds the job: `work` runs in the ledger's transaction after the job row
   * is locked, and the patch it returns (e.g. a warning) is merged in before
   * the transition. A job that ended meanwhile makes this a recorded late result.
   */
  async succeed(context: ResultContext, base: JobPatch, event: (job: Job) => EventDraft, work: ResultWork): Promise<Outcome> {
    const patch: JobPatch = { status: 'SUCCEEDED', progressPercent: 100, finishedAt: new Date(), ...base };
    const updated = await this.ledger.advance(context.job.taskId, ACTIVE, patch, event, async (tx, job) => {
      // The ledger applies `patch` after `work`: what work learned under the locks goes into the same transition.
      Object.assign(patch, await work(tx, job));
    });
    return updated ? Outcomes.done() : this.recordLate(context.envelope, context.job);
  }

  /** Fails the job with a stable code, a plain message for users and the raw detail for operators. */
  async fail(context: ResultContext, code: string, detail: string | null): Promise<Outcome> {
    const { job } = context;
    const message = userMessageFor(code);
    const updated = await this.ledger.advance(
      job.taskId,
      ACTIVE,
      { status: 'FAILED', errorCode: code, errorMessage: message, errorDetail: detail, finishedAt: new Date() },
      () => ({ type: context.failedEvent, payload: { taskId: job.taskId, status: 'FAILED', errorCode: code, message } }),
    );
    if (!updated) return this.recordLate(context.envelope, job);
    this.logger.warn(`task ${job.taskId} failed with ${code}`);
    return Outcomes.done();
  }

  /** Keeps a result for a job that already ended, for operators; the job is left as it is. */
  private async recordLate(envelope: FinalEnvelope, job: Job): Promise<Outcome> {
    const current = (await this.jobs.findById(job.taskId)) ?? job;
    await this.lateResults.record({ taskId: job.taskId, taskType: envelope.taskType, jobStatus: current.status, envelope: toJson(envelope) });
    return Outcomes.done(`job ${job.taskId} already finished (${current.status}); late ${envelope.payload.status} result recorded, job unchanged`);
  }

  private async download<T>(key: string, parse: FileParser<T>): Promise<Download<T>> {
    try {
      const parsed = parse(await this.store.getJson(key));
      return parsed.ok ? { ok: true, value: parsed.value } : { ok: false, code: 'RESULT_INVALID', detail: `${key}: ${parsed.problems.join('; ')}` };
    } catch (error) {
      if (!(error instanceof ObjectStoreError)) throw error;
      if (error.transient) return { ok: 'retry', reason: `result ${key} not readable yet: ${error.message}` };
      return { ok: false, code: error.code === 'OBJECT_NOT_FOUND' ? 'RESULT_NOT_FOUND' : 'RESULT_INVALID', detail: `${key}: ${error.message}` };
    }
  }
}

function toJson(envelope: FinalEnvelope): Record<string, unknown> {
  return JSON.parse(JSON.stringify(envelope)) as Record<string, unknown>;
}
