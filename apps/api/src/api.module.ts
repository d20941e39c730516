import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AuthModule } from './auth/auth.module';
import { ConversationsController } from './client-data/conversations.controller';
import { ConversationsService } from './client-data/conversations.service';
import { NotesController } from './client-data/notes.controller';
import { NotesService } from './client-data/notes.service';
import { AddNodeService } from './graph-ai/add-node.service';
import { GraphAiController } from './graph-ai/graph-ai.controller';
import { GraphGenerationService } from './graph-ai/graph-generation.service';
import { GraphJobLauncher } from './graph-ai/graph-job-launcher';
import { GraphLifecycleService } from './graph-ai/graph-lifecycle.service';
import { GraphSummaryService } from './graph-ai/graph-summary.service';
import { GraphReadsService } from './graph/graph-reads.service';
import { GraphController } from './graph/graph.controller';
import { DependencyProbes } from './health/dependency-probes';
import { HealthController } from './health/health.controller';
import { JobLauncher } from './jobs/job-launcher';
import { JobsController } from './jobs/jobs.controller';
import { NotificationsController } from './notifications/notifications.controller';
import { SseStreamService } from './notifications/sse-stream.service';
import { SourcesController } from './sources/sources.controller';
import { SourcesService } from './sources/sources.service';

/** The api's features; expects config, database, AWS and job events from the app module. */
@Module({
  imports: [AuthModule, TerminusModule.forRoot({ logger: false })],
  controllers: [
    GraphAiController,
    SourcesController,
    ConversationsController,
    NotesController,
    JobsController,
    GraphController,
    NotificationsController,
    HealthController,
  ],
  providers: [
    JobLauncher,
    GraphGenerationService,
    AddNodeService,
    GraphSummaryService,
    GraphJobLauncher,
    GraphLifecycleService,
    GraphReadsService,
    SourcesService,
    ConversationsService,
    NotesService,
    SseStreamService,
    DependencyProbes,
  ],
})
export class ApiModule {}
