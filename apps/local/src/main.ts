import 'reflect-metadata';
import { bootOrExit, exitOnSignals } from '@app/config';
import { Logger } from '@nestjs/common';
import { ApiAppModule } from '../../api/src/api-app.module';
import { createApiApp } from '../../api/src/api-bootstrap';
import { WorkerModule } from '../../worker/src/worker.module';
import { loadLocalConfig } from './local.config';

/** The embedded default: api and worker in one process over PGlite and one in-process event hub. */
bootOrExit('local', async () => {
  const config = loadLocalConfig(process.env);
  const app = await createApiApp(ApiAppModule.forRoot(config, [WorkerModule]), config);
  await app.listen(config.api.PORT, config.api.HOST);
  const url = `http://${config.api.HOST}:${config.api.PORT}`;
  new Logger('Bootstrap').log(`api + worker listening on ${url}`);
  exitOnSignals(app, config.runtime.SHUTDOWN_TIMEOUT_MS, (message) => new Logger('Shutdown').log(message));
  const { DATABASE_URL, PGLITE_DATA_DIR } = config.database;
  return {
    database: DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : PGLITE_DATA_DIR ? `PGlite at ${PGLITE_DATA_DIR}` : 'PGlite in memory',
    api: url,
    worker: `consuming ${queueName(config.worker.SQS_RESULT_QUEUE_URL)}`,
  };
});

function queueName(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}
