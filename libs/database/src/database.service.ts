import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DATABASE_OPTIONS, type DatabaseOptions } from './database-options';
import { connectDatabase, type DatabaseHandle, type Db } from './open-database';

/** Owns the connection: migrates on init, closes after every other module has shut down. */
@Injectable()
export class DatabaseService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseService.name);
  private readonly handle: DatabaseHandle;

  constructor(@Inject(DATABASE_OPTIONS) private readonly options: DatabaseOptions) {
    this.handle = connectDatabase(options);
  }

  get db(): Db {
    return this.handle.db;
  }

  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return this.handle.db.transaction(fn);
  }

  ping(): Promise<void> {
    return this.handle.ping();
  }

  async onModuleInit(): Promise<void> {
    try {
      await this.handle.migrate();
    } catch (error) {
      await this.handle.close();
      throw error;
    }
    this.logger.log(`Database ready (${this.describe()}), migrations applied`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.handle.close();
  }

  /** Never the URL: it may carry a password. */
  private describe(): string {
    if (this.handle.driver === 'postgres') return 'postgres';
    return this.options.pgliteDataDir ? `pglite at ${this.options.pgliteDataDir}` : 'pglite in memory';
  }
}
