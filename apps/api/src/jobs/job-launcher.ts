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
  readonly objects: readonly { key: string; body: Buffer | string | Readable }[];
  readonly envelope: string;
  /** Refuse (409) while the user has a live job of a kind that excludes this one (JOB_KIND_SPECS' excludedBy); only the test route opts out. */
  readonly exclusive: boolean;
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
 * Starts an AI job in the only safe order: bundle in S3, then the job row and
 * its first event, then the request message. A failure at any step undoes the
 * earlier ones, so no job claims to be queued without a message behind it.
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
    await this.putObjects(launch);
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
        launch.exclusive ? JOB_KIND_SPECS[launch.kind].excludedBy : undefined,
      );
    } catch (error) {
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
      for (const object of launch.objects) {
        if (object.body instanceof Readable) await this.store.putStream(object.key, object.body);
        else await this.store.put(object.key, object.body);
      }
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
