import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ObjectStore, QueueAdmin } from '@app/aws';
import { RuntimeEnvironment } from '@app/config';
import { DatabaseService } from '@app/database';
import { describeFault } from '@app/faults';
import Redis from 'ioredis';
import { ApiEnvironment } from '../config/api.environment';

/** No probe may hold readiness longer than this. */
export const PROBE_TIMEOUT_MS = 2000;

/** Where the probe of the payload bucket looks: any key answers "reachable" (found or not). */
const PROBE_KEY = 'health/ready-probe';

export type Dependency = 'database' | 'storage' | 'queue' | 'events';

/**
 * One cheap call to each dependency a request needs: the database (every
 * route), the payload bucket and the request queue (job submissions), Redis
 * (live events, when configured). Each answers within PROBE_TIMEOUT_MS or
 * counts as down; failures are described without their content.
 */
@Injectable()
export class DependencyProbes implements OnApplicationShutdown {
  private redis: Redis | undefined;

  constructor(
    private readonly database: DatabaseService,
    private readonly store: ObjectStore,
    private readonly queues: QueueAdmin,
    private readonly api: ApiEnvironment,
    private readonly runtime: RuntimeEnvironment,
  ) {}

  /** The dependencies this process uses. */
  get names(): Dependency[] {
    return this.runtime.REDIS_URL ? ['database', 'storage', 'queue', 'events'] : ['database', 'storage', 'queue'];
  }

  /** Resolves when `name` answers; rejects with a one-line reason otherwise. */
  async probe(name: Dependency): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.call(name), timeout]);
    } catch (error) {
      throw new Error(describeFault(error));
    } finally {
      clearTimeout(timer);
    }
  }

  onApplicationShutdown(): void {
    this.redis?.disconnect();
  }

  private async call(name: Dependency): Promise<void> {
    switch (name) {
      case 'database':
        return this.database.ping();
      case 'storage':
        await this.store.exists(PROBE_KEY);
        return;
      case 'queue':
        await this.queues.approximateCount(this.api.SQS_REQUEST_QUEUE_URL);
        return;
      case 'events':
        await this.redisClient().ping();
        return;
    }
  }

  private redisClient(): Redis {
    // Its own connection. A ping waits for it to connect, but fails at the first
    // lost attempt rather than queueing behind a reconnect loop.
    if (!this.redis) {
      this.redis = new Redis(this.runtime.REDIS_URL ?? '', { maxRetriesPerRequest: 0 });
      this.redis.on('error', () => undefined); // reported by the probe that fails
    }
    return this.redis;
  }
}
