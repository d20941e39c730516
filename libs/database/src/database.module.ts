import { type DynamicModule, Module } from '@nestjs/common';
import { DATABASE_OPTIONS, type DatabaseOptions } from './database-options';
import { DatabaseService } from './database.service';
import { GraphLifecycleRepository } from './graph-lifecycle.repository';
import { GraphReadsRepository } from './graph-reads.repository';
import { GraphRepository } from './graph.repository';
import { JobEventsRepository } from './job-events.repository';
import { JobsRepository } from './jobs.repository';
import { LateResultsRepository } from './late-results.repository';
import { SourcesRepository } from './sources.repository';

const EXPORTED = [
  DatabaseService,
  JobsRepository,
  JobEventsRepository,
  GraphRepository,
  GraphReadsRepository,
  GraphLifecycleRepository,
  LateResultsRepository,
  SourcesRepository,
];

@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      providers: [{ provide: DATABASE_OPTIONS, useValue: options }, ...EXPORTED],
      exports: EXPORTED,
    };
  }
}
