export { DatabaseEnvironment, toDatabaseOptions } from './database.environment';
export { DatabaseModule } from './database.module';
export { type DatabaseOptions } from './database-options';
export { DatabaseService } from './database.service';
export { GraphRepository } from './graph.repository';
export {
  type GraphClusterRecord,
  type GraphEdgeRecord,
  type GraphNodeRecord,
  type GraphSubclusterRecord,
  type GraphWrite,
  type StoredGraph,
  type StoredGraphSummary,
} from './graph.types';
export { JobEventsRepository, type JobEventRecord, type NewJobEvent } from './job-events.repository';
export { JobsRepository, type JobListQuery, type JobPatch } from './jobs.repository';
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
  type NewJob,
} from './schema';
