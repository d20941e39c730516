import { Controller, Get, HttpStatus, Logger } from '@nestjs/common';
import { DatabaseService } from '@app/database';
import { ApiException } from '../http/api.exception';

@Controller('health')
export class HealthController {
  private readonly logger = new Logger(HealthController.name);

  constructor(private readonly database: DatabaseService) {}

  /** The process is up; ECS restarts the task when this fails. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** The process can serve: the database answers. */
  @Get('ready')
  async ready(): Promise<{ status: 'ok' }> {
    try {
      await this.database.ping();
    } catch (error) {
      this.logger.warn(`not ready: ${String(error)}`);
      throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, 'NOT_READY', 'The database is not reachable');
    }
    return { status: 'ok' };
  }
}
