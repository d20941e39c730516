import { type RedisOptions, Transport } from '@nestjs/microservices';

/** Turns a redis:// or rediss:// URL into the Nest Redis transport options. */
export function redisTransportOptions(redisUrl: string): RedisOptions {
  const url = new URL(redisUrl);
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : undefined;
  return {
    transport: Transport.REDIS,
    options: {
      host: url.hostname,
      port: url.port ? Number(url.port) : 6379,
      username: url.username ? decodeURIComponent(url.username) : undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
      db: Number.isInteger(db) ? db : undefined,
      tls: url.protocol === 'rediss:' ? {} : undefined,
      // The events of one batch go out in one write.
      enableAutoPipelining: true,
      retryAttempts: Number.MAX_SAFE_INTEGER,
      retryDelay: 1000,
    },
  };
}
