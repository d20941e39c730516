import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { Readable } from 'node:stream';
import { ObjectStore, QueuePublisher } from '@app/aws';
import { type JobKind } from '@app/database';
import { describeFault } from '@app/faults';
import { ExclusiveJobConflict, failureDraft, JOB_KIND_SPECS, JobLedger, notificationDraft } from '@app/job-events';
import { ApiEnvironment } from '../config/api.environment';
import { ApiException } from '../http/api.exception';

export interface JobLaunch {
  readonly taskId: string;
  readonly userId: string;
  readonly kind: JobKind;
  /** What the request envelope points the AI at (an object key or a bundle prefix). */
  readonly inputKey: string;
  readonly options: Record<string, unknown>;
  /** A Readable is streamed up as it is produced (see ObjectStore.putStream); if it fails with an ApiException (the upload was refused), that is the answer. */
  readonly objects: readonly { key: string; body: Buffer | string | Readable | BodyInCheck }[];
  readonly envelope: string;
  /** Refuse (409) while the user has a live job of a kind that excludes this one (JOB_KIND_SPECS' excludedBy); only the test route opts out. */
  readonly exclusive: boolean;
}

/**
 * Bytes in memory that are stored while they are still being checked:
 * `checked` resolves to what must be stored (`bytes` itself, or a rewrite of
 * it) or rejects with the refusal (an ApiException), after which the stored
 * object is removed again. Its rejection must already be handled (caught) by its maker.
 */
export interface BodyInCheck {
  readonly bytes: Buffer;
  readonly checked: Promise<Buffer>;
}

/** 409 JOB_ALREADY_RUNNING naming the running job in `taskId` (an RFC 9457 extension member the SDK reads off the problem body). */
export function jobRunningConflict(taskId: string): ApiException {
  return new ApiException(HttpStatus.CONFLICT, 'JOB_ALREADY_RUNNING', `Job ${taskId} is still running; wait for it to finish`, undefined, { taskId });
}
/** Why an unsent job failed, for users (the `error` of its `*_REQUEST_FAILED` event and the job's errorMessage). */
const QUEUE_UNAVAILABLE_MESSAGE = 'The job could not be queued. Please try again.';

export interface LaunchedJob {
  readonly message: string;
  readonly taskId: string;
  readonly status: 'queued';
}

/**
 * Starts an AI job in the only safe order: the job row and its first event are
 * committed once the bundle is in S3, then the request message is sent. A
 * failure at any step undoes the earlier ones, so no job claims to be queued
 * without a bundle and a message behind it. A bundle held in memory is stored
 * while the row is being written (one transaction waits on it: it is short); a
 * streamed one may take minutes, so the row is written after it.
 */
@Injectable()
export class JobLauncher {
  private readonly logger = new Logger(JobLauncher.name);

  constructor(
    private readonly store: ObjectStore,
    private readonly queue: QueuePublisher,
    private readonly ledger: JobLedger,
    private readonly api: ApiEnvironment,
  ) {}

  async launch(launch: JobLaunch, message: string): Promise<LaunchedJob> {
    const excludedBy = launch.exclusive ? JOB_KIND_SPECS[launch.kind].excludedBy : undefined;
    if (excludedBy) {
      // Before the bundle is streamed up: a refused request should cost a query, not an upload.
      const live = await this.ledger.liveJobOf(launch.userId, excludedBy);
      if (live !== undefined) throw jobRunningConflict(live);
    }
    const inMemory = launch.objects.every(({ body }) => !(body instanceof Readable));
    const stored = this.putObjects(launch);
    // Awaited below on every path; handled now so that an early failure is not reported as unhandled.
    stored.catch(() => undefined);
    if (!inMemory) await stored;
    try {
      await this.ledger.open(
        {
          taskId: launch.taskId,
          userId: launch.userId,
          kind: launch.kind,
          status: 'QUEUED',
          inputKey: launch.inputKey,
          options: launch.options,
          // The worker fails the job with JOB_TIMED_OUT if nothing is heard by then.
          deadlineAt: new Date(Date.now() + this.api.JOB_TIMEOUT_SECONDS * 1000),
        },
        notificationDraft(JOB_KIND_SPECS[launch.kind].requested, launch.taskId, { status: 'QUEUED' }),
        excludedBy,
        inMemory ? stored : undefined,
      );
    } catch (error) {
      if (inMemory) {
        const upload = await stored.then(
          () => undefined,
          (failure: unknown) => ({ failure }),
        );
        // The upload's own answer (a refusal, or storage down); putObjects has removed what it stored.
        if (upload) throw upload.failure;
      }
      await this.removeObjects(launch);
      if (error instanceof ExclusiveJobConflict) {
        throw jobRunningConflict(error.liveTaskId);
      }
      throw error;
    }
    try {
      await this.queue.send(this.api.SQS_REQUEST_QUEUE_URL, launch.envelope);
    } catch (error) {
      this.logger.error(`task ${launch.taskId}: request message not sent: ${describeFault(error)}`);
      await this.failUnsent(launch);
      throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, 'QUEUE_UNAVAILABLE', 'The job could not be queued; please try again shortly');
    }
    this.logger.log(`task ${launch.taskId}: queued ${launch.kind} for user ${launch.userId}`);
    return { message, taskId: launch.taskId, status: 'queued' };
  }

  private async putObjects(launch: JobLaunch): Promise<void> {
    try {
      for (const object of launch.objects) await this.putObject(object.key, object.body);
    } catch (error) {
      if (error instanceof ApiException) {
        await this.removeObjects(launch);
        throw error;
      }
      this.logger.error(`task ${launch.taskId}: bundle upload failed: ${describeFault(error)}`);
      await this.removeObjects(launch);
      throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, 'STORAGE_UNAVAILABLE', 'The upload could not be stored; please try again shortly');
    }
  }

  private async putObject(key: string, body: JobLaunch['objects'][number]['body']): Promise<void> {
    if (body instanceof Readable) return this.store.putStream(key, body);
    if (typeof body === 'string' || Buffer.isBuffer(body)) return this.store.put(key, body);
    // The check is CPU and the store is I/O: they overlap. A refusal wins over a storage failure.
    const [stored, checked] = await Promise.allSettled([this.store.put(key, body.bytes), body.checked]);
    if (checked.status === 'rejected') throw checked.reason;
    if (stored.status === 'rejected') throw stored.reason;
    if (checked.value !== body.bytes) await this.store.put(key, checked.value);
  }

  private async failUnsent(launch: JobLaunch): Promise<void> {
    await this.ledger.advance(
      launch.taskId,
      ['QUEUED'],
      { status: 'FAILED', errorCode: 'QUEUE_UNAVAILABLE', errorMessage: QUEUE_UNAVAILABLE_MESSAGE, finishedAt: new Date() },
      () => failureDraft(JOB_KIND_SPECS[launch.kind].requestFailed, launch.taskId, 'QUEUE_UNAVAILABLE', QUEUE_UNAVAILABLE_MESSAGE),
    );
    await this.removeObjects(launch);
  }

  private async removeObjects(launch: JobLaunch): Promise<void> {
    for (const object of launch.objects) {
      await this.store.delete(object.key).catch((error: unknown) => {
        this.logger.warn(`task ${launch.taskId}: could not remove ${object.key}: ${describeFault(error)}`);
      });
    }
  }
}
