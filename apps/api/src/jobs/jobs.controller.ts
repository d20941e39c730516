import { Controller, Get, HttpStatus, Param, Query, UseGuards } from '@nestjs/common';
import { JobsRepository } from '@app/database';
import { type AuthenticatedUser } from '../auth/authenticated-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { isTaskId, MAX_TASK_ID_LENGTH } from '../graph-ai/task-id';
import { ApiException } from '../http/api.exception';
import { JobListQueryDto } from './job-list-query.dto';
import { type JobView, toJobView } from './job.view';

@Controller('v1/jobs')
@UseGuards(JwtAuthGuard)
export class JobsController {
  constructor(private readonly jobs: JobsRepository) {}

  @Get()
  async list(@CurrentUser() user: AuthenticatedUser, @Query() query: JobListQueryDto): Promise<{ jobs: JobView[] }> {
    const rows = await this.jobs.listForUser(user.id, { limit: query.limit });
    return { jobs: rows.map(toJobView) };
  }

  /** Another user's task id answers exactly like an unknown one; a value no task id can have is a 400 (no query is made). */
  @Get(':taskId')
  async get(@CurrentUser() user: AuthenticatedUser, @Param('taskId') taskId: string): Promise<JobView> {
    if (!isTaskId(taskId)) {
      throw new ApiException(
        HttpStatus.BAD_REQUEST,
        'INVALID_TASK_ID',
        `taskId must be a task id: letters, digits and _ . @ - only, at most ${MAX_TASK_ID_LENGTH} characters`,
      );
    }
    const job = await this.jobs.findForUser(user.id, taskId);
    if (!job) throw new ApiException(HttpStatus.NOT_FOUND, 'JOB_NOT_FOUND', `No job ${taskId}`);
    return toJobView(job);
  }
}
