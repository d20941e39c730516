import { Controller, Get, Logger } from '@nestjs/common';
import { HealthCheck, type HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
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
   * `{status: "ok", details: {database: {status: "up"}, ...}}`, else 503 with
   * each dependency that is down (`error`; the reason is logged).
   */
  @Get('health/ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check(this.probes.names.map((name) => () => this.indicator(name)));
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
