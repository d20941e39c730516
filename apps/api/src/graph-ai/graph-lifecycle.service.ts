import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { ObjectStore } from '@app/aws';
import { DatabaseService, GraphLifecycleRepository, type JobKind, JobsRepository } from '@app/database';
import { type JobFileKeys, jobFileLocations } from '@app/job-events';
import { ApiEnvironment } from '../config/api.environment';
import { assertOwnMacroId } from '../graph/macro-id';
import { ApiException } from '../http/api.exception';
import { jobRunningConflict } from '../jobs/job-launcher';

export interface DeleteOptions {
  /** true: gone for good (rows and stored files); otherwise restorable for GRAPH_RESTORE_WINDOW_SECONDS. */
  readonly permanent?: boolean;
  readonly macroId?: string;
}

/**
 * Every graph-ai job writes the graph or reads it: none may be running when it
 * is deleted (a summary result would otherwise outlive a purged graph).
 */
const GRAPH_JOB_KINDS: readonly JobKind[] = ['GRAPH_GENERATION', 'ADD_NODE', 'GRAPH_SUMMARY'];

/** How many listings run at once while a permanent delete collects a user's files. */
const LIST_CONCURRENCY = 8;

/**
 * Deleting and restoring the user's graph and summary. Deleting what is not
 * there succeeds (204), so a permanent delete whose file cleanup failed can
 * simply be sent again.
 */
@Injectable()
export class GraphLifecycleService {
  private readonly logger = new Logger(GraphLifecycleService.name);

  constructor(
    private readonly database: DatabaseService,
    private readonly jobs: JobsRepository,
    private readonly lifecycle: GraphLifecycleRepository,
    private readonly store: ObjectStore,
    private readonly api: ApiEnvironment,
  ) {}

  /** 409 with the running job's taskId while a graph-ai job runs. */
  async deleteGraph(userId: string, { permanent = false, macroId }: DeleteOptions): Promise<void> {
    assertOwnMacroId(userId, macroId);
    const files = await this.database.transaction(async (tx) => {
      // The lock JobLedger takes to open an exclusive job: no graph job starts until this commits.
      await this.jobs.lockUserJobs(userId, tx);
      const [live] = await this.jobs.findLive(userId, GRAPH_JOB_KINDS, tx);
      if (live) throw jobRunningConflict(live.taskId);
      if (!permanent) {
        await this.lifecycle.softDeleteGraph(userId, tx);
        return [];
      }
      await this.lifecycle.purgeGraph(userId, tx);
      return this.lifecycle.finishedJobFiles(userId, GRAPH_JOB_KINDS, tx);
    });
    await this.purgeFiles(userId, files);
  }

  /** 404 GRAPH_NOT_FOUND when no graph was deleted within the window. */
  async restoreGraph(userId: string, macroId?: string): Promise<{ message: string }> {
    assertOwnMacroId(userId, macroId);
    if (!(await this.lifecycle.restoreGraph(userId, this.api.GRAPH_RESTORE_WINDOW_SECONDS))) {
      throw new ApiException(HttpStatus.NOT_FOUND, 'GRAPH_NOT_FOUND', `There is no graph deleted within the last ${describeWindow(this.api.GRAPH_RESTORE_WINDOW_SECONDS)} to restore`);
    }
    return { message: 'Graph restored' };
  }

  /** Every summary of the user (the newest is the one shown); a running summary job may write a new one. */
  async deleteSummary(userId: string, { permanent = false, macroId }: DeleteOptions): Promise<void> {
    assertOwnMacroId(userId, macroId);
    if (!permanent) {
      await this.lifecycle.softDeleteSummaries(userId);
      return;
    }
    const files = await this.database.transaction(async (tx) => {
      await this.lifecycle.purgeSummaries(userId, tx);
      return this.lifecycle.finishedJobFiles(userId, ['GRAPH_SUMMARY'], tx);
    });
    await this.purgeFiles(userId, files);
  }

  /** Restores the summaries of the latest summary delete; 404 SUMMARY_NOT_FOUND when none was deleted within the window. */
  async restoreSummary(userId: string, macroId?: string): Promise<{ message: string }> {
    assertOwnMacroId(userId, macroId);
    if ((await this.lifecycle.restoreSummaries(userId, this.api.GRAPH_RESTORE_WINDOW_SECONDS)) === 0) {
      throw new ApiException(HttpStatus.NOT_FOUND, 'SUMMARY_NOT_FOUND', `There is no summary deleted within the last ${describeWindow(this.api.GRAPH_RESTORE_WINDOW_SECONDS)} to restore`);
    }
    return { message: 'Summary restored' };
  }

  /** Deletes the finished jobs' files; a failure surfaces (503 when S3 is down) and the same delete can be sent again. */
  private async purgeFiles(userId: string, files: readonly JobFileKeys[]): Promise<void> {
    if (files.length === 0) return;
    const { prefixes, keys } = jobFileLocations(files);
    const found = [...keys];
    for (let start = 0; start < prefixes.length; start += LIST_CONCURRENCY) {
      const listed = await Promise.all(prefixes.slice(start, start + LIST_CONCURRENCY).map((prefix) => this.store.list(prefix)));
      found.push(...listed.flat());
    }
    const deleted = await this.store.deleteMany(found);
    this.logger.log(`user ${userId}: deleted ${deleted} stored files of ${files.length} jobs`);
  }
}

function describeWindow(seconds: number): string {
  const [size, unit] = seconds % 86400 === 0 ? [seconds / 86400, 'day'] : seconds % 3600 === 0 ? [seconds / 3600, 'hour'] : seconds % 60 === 0 ? [seconds / 60, 'minute'] : [seconds, 'second'];
  return size === 1 ? unit : `${size} ${unit}s`;
}
