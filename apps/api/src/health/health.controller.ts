import { Controller, Get, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { HealthCheck, type HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ApiException } from '../http/api.exception';
import { type Dependency, DependencyProbes } from './dependency-probes';

@Controller()
export class HealthController {
  private readonly logger = new Logger(HealthController.name);

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly probes: DependencyProbes,
  ) {}

  /** The process is up; ECS restarts the task when this fails. */
  @Get('health/live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** What the web client's SDK (`health.get()`) calls: the process is up, no token needed. */
  @Get('healthz')
  healthz(): { ok: true } {
    return { ok: true };
  }

  /**
   * The process can serve: every dependency a request needs answers. 200
   * `{status: "ok", details: {database: {status: "up"}, ...}}`, else 503
   * NOT_READY naming each dependency that is down in `errors` (the reason is logged).
   */
  @Get('health/ready')
  @HealthCheck()
  async ready(): Promise<HealthCheckResult> {
    try {
      return await this.health.check(this.probes.names.map((name) => () => this.indicator(name)));
    } catch (error) {
      throw notReady(error);
    }
  }

  private async indicator(name: Dependency) {
    const check = this.indicators.check(name);
    try {
      await this.probes.probe(name);
      return check.up();
    } catch (error) {
      // The reason (hosts, ports, vendor text) goes to the log, not to whoever asks.
      this.logger.warn(`not ready: ${name} is down (${error instanceof Error ? error.message : String(error)})`);
      return check.down({ message: 'unreachable' });
    }
  }
}

/** Terminus's 503 (its HealthCheckResult as the body) as the api's NOT_READY problem. */
function notReady(error: unknown): unknown {
  if (!(error instanceof HttpException) || error.getStatus() !== (HttpStatus.SERVICE_UNAVAILABLE as number)) return error;
  const result = error.getResponse() as Partial<HealthCheckResult>;
  const down = Object.entries(result.details ?? {})
    .filter(([, indicator]) => indicator.status !== 'up')
    .map(([name]) => name)
    .sort();
  return new ApiException(
    HttpStatus.SERVICE_UNAVAILABLE,
    'NOT_READY',
    `Not ready: ${down.join(', ')} ${down.length === 1 ? 'is' : 'are'} down`,
    down.map((name) => `${name} is down`),
  );
}
