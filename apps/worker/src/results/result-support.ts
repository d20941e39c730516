import { Injectable, Logger, Optional } from '@nestjs/common';
import { ObjectStore, ObjectStoreError } from '@app/aws';
import { type Db, type Job, type JobPatch, JobsRepository, LateResultsRepository } from '@app/database';
import { failureDraft, type FailureType, isFinalResultType, JOB_KIND_OF_RESULT, JOB_KIND_SPECS, JobLedger, type NotificationDraft } from '@app/job-events';
import { type AnyEnvelope, type InvalidMessageError } from '@app/queue-contracts';
import { type DeadLetterOutcome, type Outcome, Outcomes } from '../consumer/outcome';
import { WorkerEnvironment } from '../config/worker.environment';
import { JobFilesCleaner } from '../retention/job-files.cleaner';
import { userMessageFor } from './failure-messages';
import { JobMatcher } from './job-matcher';
import { type EnvelopeOf } from './result-handler';
import { parseResultJson } from './result-json';
import { type FinalResultType, RESULT_KEY_FIELDS, resolveResultKey } from './result-key';
import { type SkippedParts, skippedCounts, skippedWarning } from './skipped-parts';

/** Largest result file the worker reads (WORKER_MAX_RESULT_BYTES); larger fails its job with RESULT_TOO_LARGE. */
export const DEFAULT_MAX_RESULT_BYTES = 16 * 1024 * 1024;
/** Result files above this are read one at a time. */
const LARGE_FILE_BYTES = 1024 * 1024;
const DOWNLOAD_CODES: Partial<Record<ObjectStoreError['code'], string>> = { OBJECT_NOT_FOUND: 'RESULT_NOT_FOUND', OBJECT_TOO_LARGE: 'RESULT_TOO_LARGE' };

/** A final result envelope (progress has its own handler). */
export type FinalEnvelope = EnvelopeOf<FinalResultType>;

/** A result that answers a live job of ours; `failedEvent` is the job kind's failure notification. */
export interface ResultContext {
  readonly envelope: FinalEnvelope;
  readonly job: Job;
  readonly failedEvent: FailureType;
  /** The payload's keys by field, each checked to be this task's and resolved to a plain key; absent and empty ones are not here. */
  readonly keys: Readonly<Partial<Record<string, string>>>;
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
 * and never applied, result keys confined to the task's own objects in the
 * payload bucket, S3 errors mapped (transient: retry; missing:
 * RESULT_NOT_FOUND; unreadable: RESULT_INVALID), and state changes only
 * through the ledger. An authentic result that can never be applied (a key
 * that is not its task's, a message that breaks the contract) fails its job at
 * once and is dead-lettered as evidence.
 */
@Injectable()
export class ResultSupport {
  private readonly logger = new Logger(ResultSupport.name);

  /** Large result files are read and parsed one at a time, so their memory never adds up. */
  private largeReads: Promise<unknown> = Promise.resolve();
  private readonly maxResultBytes: number;

  constructor(
    private readonly matcher: JobMatcher,
    private readonly ledger: JobLedger,
    private readonly store: ObjectStore,
    private readonly jobs: JobsRepository,
    private readonly lateResults: LateResultsRepository,
    private readonly files: JobFilesCleaner,
    // Optional only so specs that wire the handlers without config keep working; the apps always provide it.
    @Optional() worker?: WorkerEnvironment,
  ) {
    this.maxResultBytes = worker?.WORKER_MAX_RESULT_BYTES ?? DEFAULT_MAX_RESULT_BYTES;
  }

  /**
   * The live job this result answers; a foreign result is dead-lettered, a
   * late one recorded and acknowledged. Every key the payload holds must be one
   * the AI wrote for this task (result-key.ts), checked before anything is
   * read: otherwise the job fails at once with RESULT_KEY_FOREIGN and the
   * message is dead-lettered.
   */
  async accept(envelope: FinalEnvelope): Promise<Step<ResultContext>> {
    const kind = JOB_KIND_OF_RESULT[envelope.taskType];
    const match = await this.matcher.match(envelope.taskId, envelope.payload.userId, kind);
    if (!match.ok) return { ok: false, outcome: Outcomes.deadLetter(match.reason, envelope) };
    if (!isActive(match.job)) return { ok: false, outcome: await this.recordLate(envelope, match.job) };
    const keys = this.ownKeys(envelope, match.job);
    const context: ResultContext = { envelope, job: match.job, failedEvent: JOB_KIND_SPECS[kind].failed, keys: keys.ok ? keys.keys : {} };
    if (!keys.ok) return { ok: false, outcome: await this.reject(context, 'RESULT_KEY_FOREIGN', keys.reason) };
    return { ok: true, value: context };
  }

  /**
   * A message that breaks the contract (parseEnvelope refused it). When it
   * still names a live job of ours (a final result type, its task id, the
   * owner's user id, the job's kind) that job can never get its answer: it
   * fails at once with RESULT_MESSAGE_INVALID. Dead-lettered either way;
   * progress and request types never fail a job here (progress is not the
   * job's answer, the result still follows).
   */
  async refuseInvalid(error: InvalidMessageError, reason: string): Promise<DeadLetterOutcome> {
    const labels = { taskId: error.taskId, taskType: error.taskType };
    if (!isFinalResultType(error.taskType) || error.userId === undefined) return Outcomes.deadLetter(reason, labels);
    const kind = JOB_KIND_OF_RESULT[error.taskType];
    const match = await this.matcher.match(error.taskId ?? null, error.userId, kind);
    if (!match.ok || !isActive(match.job)) return Outcomes.deadLetter(reason, labels);
    const code = 'RESULT_MESSAGE_INVALID';
    return Outcomes.deadLetter(withVerdict(reason, await this.failJob(match.job, JOB_KIND_SPECS[kind].failed, code, reason), code), labels);
  }

  /**
   * A handler failed with a permanent fault (a bug, or data it can never
   * process): the message is dead-lettered with the reason, and when it is a
   * final result of a live job of ours (task id, owner and kind match) that
   * job fails at once with PROCESSING_FAILED and its failure event.
   */
  async refuseFault(envelope: AnyEnvelope, reason: string): Promise<DeadLetterOutcome> {
    const labels = { taskId: envelope.taskId, taskType: envelope.taskType };
    if (!isFinalResultType(envelope.taskType)) return Outcomes.deadLetter(reason, labels);
    const kind = JOB_KIND_OF_RESULT[envelope.taskType];
    const match = await this.matcher.match(envelope.taskId, (envelope.payload as { userId: string }).userId, kind);
    if (!match.ok || !isActive(match.job)) return Outcomes.deadLetter(reason, labels);
    const code = 'PROCESSING_FAILED';
    return Outcomes.deadLetter(withVerdict(reason, await this.failJob(match.job, JOB_KIND_SPECS[kind].failed, code, reason), code), labels);
  }

  /**
   * Reads the result file a COMPLETED result points at (its key is already
   * checked to be the task's). No key fails the job (RESULT_MISSING).
   */
  async readResult<T>(context: ResultContext, field: string, parse: FileParser<T>): Promise<Step<ResultFile<T>>> {
    const key = context.keys[field];
    if (!key) return { ok: false, outcome: await this.fail(context, 'RESULT_MISSING', `COMPLETED without ${field}`) };
    const download = await this.download(key, parse);
    if (download.ok === 'retry') return { ok: false, outcome: Outcomes.retry(download.reason) };
    // Too large is evidence for operators too: the job fails and the message is dead-lettered.
    if (!download.ok && download.code === 'RESULT_TOO_LARGE') return { ok: false, outcome: await this.reject(context, download.code, download.detail) };
    if (!download.ok) return { ok: false, outcome: await this.fail(context, download.code, download.detail) };
    return { ok: true, value: { key, value: download.value } };
  }

  /** Reads an optional extra file; a missing or unreadable one becomes a warning, a transient error a retry. */
  async readExtra<T>(context: ResultContext, field: string, parse: FileParser<T>): Promise<ExtraFile<T>> {
    const key = context.keys[field];
    if (!key) return { ok: false, warning: `${field} is missing` };
    const download = await this.download(key, parse);
    if (download.ok === 'retry') return { ok: 'stop', outcome: Outcomes.retry(download.reason) };
    if (!download.ok) {
      this.logger.warn(`${field} ${key} unusable (${download.code}): ${download.detail}`);
      return { ok: false, warning: `${field} could not be read (${download.code})` };
    }
    return { ok: true, file: { key, value: download.value } };
  }

  /**
   * Succeeds the job: `work` runs in the ledger's transaction after the job row
   * is locked, and the patch it returns (e.g. a warning) is merged in before
   * the transition. A job that ended meanwhile makes this a recorded late result.
   */
  async succeed(context: ResultContext, base: JobPatch, event: (job: Job) => NotificationDraft, work: ResultWork): Promise<Outcome> {
    const patch: JobPatch = { status: 'SUCCEEDED', progressPercent: 100, finishedAt: new Date(), ...base };
    const updated = await this.ledger.advance(context.job.taskId, ACTIVE, patch, event, async (tx, job) => {
      // The ledger applies `patch` after `work`: what work learned under the locks goes into the same transition.
      Object.assign(patch, await work(tx, job));
    });
    if (!updated) return this.recordLate(context.envelope, context.job);
    // Committed: what the job needed is stored, its files may go.
    await this.files.afterEnd(context.job.taskId);
    return Outcomes.done();
  }

  /**
   * Records the unreadable optional parts of a result file that were stored
   * without (the parsers skip them instead of refusing the file): one log line
   * with counts per kind, and the sentence for the job's warning (null when
   * nothing was skipped). Counts only: nothing from the file is logged.
   */
  noteSkipped(context: ResultContext, skipped: SkippedParts): string | null {
    const warning = skippedWarning(skipped);
    if (warning !== null) this.logger.warn(`task ${context.job.taskId}: ${context.envelope.taskType} stored without unreadable parts: ${skippedCounts(skipped)}`);
    return warning;
  }

  /** Fails the job with a stable code, a plain message for users and the raw detail for operators. */
  async fail(context: ResultContext, code: string, detail: string | null): Promise<Outcome> {
    const failed = await this.failJob(context.job, context.failedEvent, code, detail);
    return failed ? Outcomes.done() : this.recordLate(context.envelope, context.job);
  }

  /**
   * An authentic result that can never be applied: the job fails at once (as
   * `fail`) and the message is dead-lettered with the reason, as evidence for
   * operators. Nothing of the result has been read or applied.
   */
  async reject(context: ResultContext, code: string, reason: string): Promise<Outcome> {
    const failed = await this.failJob(context.job, context.failedEvent, code, reason);
    return Outcomes.deadLetter(withVerdict(reason, failed, code), context.envelope);
  }

  /** The FAILED transition and its event; false when the job had already ended (it is left as it is). */
  private async failJob(job: Job, failedEvent: FailureType, code: string, detail: string | null): Promise<boolean> {
    const message = userMessageFor(code);
    const updated = await this.ledger.advance(
      job.taskId,
      ACTIVE,
      { status: 'FAILED', errorCode: code, errorMessage: message, errorDetail: detail, finishedAt: new Date() },
      () => failureDraft(failedEvent, job.taskId, code, message),
    );
    if (!updated) return false;
    this.logger.warn(`task ${job.taskId} failed with ${code}`);
    await this.files.afterEnd(job.taskId);
    return true;
  }

  /** Every non-empty key of the payload, resolved, or the reason the first one is not this task's. */
  private ownKeys(envelope: FinalEnvelope, job: Job): { ok: true; keys: Record<string, string> } | { ok: false; reason: string } {
    const owner = { taskType: envelope.taskType, taskId: job.taskId, userId: job.userId };
    const payload = envelope.payload as unknown as Readonly<Record<string, unknown>>;
    const keys: Record<string, string> = {};
    for (const field of RESULT_KEY_FIELDS[envelope.taskType]) {
      const raw = payload[field];
      if (typeof raw !== 'string' || raw === '') continue;
      const resolved = resolveResultKey(raw, this.store.bucket, owner);
      if (!resolved.ok) return { ok: false, reason: `${field}: ${resolved.reason}` };
      keys[field] = resolved.key;
    }
    return { ok: true, keys };
  }

  /** Keeps a result for a job that already ended, for operators; the job is left as it is. */
  private async recordLate(envelope: FinalEnvelope, job: Job): Promise<Outcome> {
    const current = (await this.jobs.findById(job.taskId)) ?? job;
    await this.lateResults.record({ taskId: job.taskId, taskType: envelope.taskType, jobStatus: current.status, envelope: toJson(envelope) });
    // A job that failed (timed out) may get files written after its own were deleted: the retention sweep looks
    // again. A success's files are those of the result that ended it; a repeat of it writes none.
    if (current.status !== 'SUCCEEDED') await this.jobs.markFilesPending(job.taskId);
    return Outcomes.done(`job ${job.taskId} already finished (${current.status}); late ${envelope.payload.status} result recorded, job unchanged`);
  }

  private async download<T>(key: string, parse: FileParser<T>): Promise<Download<T>> {
    let value: unknown;
    try {
      value = await this.readBounded(key);
    } catch (error) {
      if (error instanceof SyntaxError) return { ok: false, code: 'RESULT_INVALID', detail: `${key}: not valid JSON: ${error.message}` };
      if (!(error instanceof ObjectStoreError)) throw error;
      if (error.transient) return { ok: 'retry', reason: `result ${key} not readable yet: ${error.message}` };
      return { ok: false, code: DOWNLOAD_CODES[error.code] ?? 'RESULT_INVALID', detail: `${key}: ${error.message}` };
    }
    const parsed = parse(value);
    return parsed.ok ? { ok: true, value: parsed.value } : { ok: false, code: 'RESULT_INVALID', detail: `${key}: ${parsed.problems.join('; ')}` };
  }

  /**
   * A result file as JSON (with Python's NaN and Infinity, result-json.ts),
   * refused above WORKER_MAX_RESULT_BYTES before it is read whole. Files over
   * LARGE_FILE_BYTES wait for each other (one read and parse at a time), so a
   * receive of ten big results costs one file's memory.
   */
  private readBounded(key: string): Promise<unknown> {
    const read = async () => parseResultJson(await this.store.getText(key, this.maxResultBytes));
    return this.store.size(key).then((size) => {
      if (size === undefined || size <= LARGE_FILE_BYTES) return read();
      const turn = this.largeReads.then(read, read);
      this.largeReads = turn.catch(() => undefined);
      return turn;
    });
  }
}

function isActive(job: Job): boolean {
  return ACTIVE.includes(job.status as (typeof ACTIVE)[number]);
}

/** The dead-letter reason with what became of the job. */
function withVerdict(reason: string, failed: boolean, code: string): string {
  return `${reason} (${failed ? `job failed with ${code}` : 'job had already ended, left as it is'})`;
}

function toJson(envelope: FinalEnvelope): Record<string, unknown> {
  return JSON.parse(JSON.stringify(envelope)) as Record<string, unknown>;
}
