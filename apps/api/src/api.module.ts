import { Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import { GraphAiController } from './graph-ai/graph-ai.controller';
import { GraphGenerationService } from './graph-ai/graph-generation.service';
import { GraphController } from './graph/graph.controller';
import { HealthController } from './health/health.controller';
import { JobLauncher } from './jobs/job-launcher';
import { JobsController } from './jobs/jobs.controller';
import { JobEventsListener } from './notifications/job-events.listener';
import { NotificationsController } from './notifications/notifications.controller';
import { SseStreamService } from './notifications/sse-stream.service';

/** The api's features; expects config, database, AWS and job events from the app module. */
@Module({
  imports: [AuthModule],
  controllers: [GraphAiController, JobsController, GraphController, NotificationsController, JobEventsListener, HealthController],
  providers: [JobLauncher, GraphGenerationService, SseStreamService],
})
export class ApiModule {}
