export { DatabaseEnvironment, toDatabaseOptions } from './database.environment';
export { DatabaseModule } from './database.module';
export { type DatabaseOptions } from './database-options';
export { DatabaseService } from './database.service';
export { GraphLifecycleRepository } from './graph-lifecycle.repository';
export {
  GraphReadsRepository,
  type GraphReadFacts,
  type GraphReadState,
  type GraphSnapshotJson,
  type GraphSnapshotRead,
  type LatestGraphJob,
} from './graph-reads.repository';
export { GraphRepository } from './graph.repository';
export {
  type GraphClusterRecord,
  type GraphAppend,
  type GraphEdgeRecord,
  type GraphHead,
  type GraphMergeBase,
  type GraphNodeRecord,
  type GraphSubclusterRecord,
  type GraphWrite,
  type SourceRef,
  type StoredGraph,
  type StoredGraphSummary,
} from './graph.types';
export {
  EVENT_ID_WIDTH,
  formatEventId,
  isEventId,
  JobEventsRepository,
  type JobEventRecord,
  type NewJobEvent,
  type RestoreQuery,
} from './job-events.repository';
export { LateResultsRepository, type NewLateResult } from './late-results.repository';
export { type EndedJobFiles, JobsRepository, type JobListQuery, type JobPatch, type ProgressApplied, type ProgressItem, type ProgressMove } from './jobs.repository';
export { SourcesRepository, type SourceImport } from './sources.repository';
export { resolveMigrationsDir } from './migrations-dir';
export { connectDatabase, openDatabase, type DatabaseDriver, type DatabaseHandle, type Db } from './open-database';
export {
  JOB_KINDS,
  JOB_STATUSES,
  type GraphKeyword,
  type Job,
  type JobEventRow,
  type JobKind,
  type JobStatus,
  type LateResultRow,
  type NewJob,
  type SourceKind,
  type SourceRow,
  SOURCE_KINDS,
} from './schema';
