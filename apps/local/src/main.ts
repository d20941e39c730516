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
  new Logger('Bootstrap').log(`api + worker listening on http://${config.api.HOST}:${config.api.PORT}`);
  exitOnSignals(app, config.runtime.SHUTDOWN_TIMEOUT_MS, (message) => new Logger('Shutdown').log(message));
});
