import 'reflect-metadata';
import { bootOrExit, exitOnSignals } from '@app/config';
import { Logger } from '@nestjs/common';
import { ApiAppModule } from './api-app.module';
import { createApiApp } from './api-bootstrap';
import { loadApiConfig } from './config/api.config';

bootOrExit('api', async () => {
  const config = loadApiConfig(process.env);
  const app = await createApiApp(ApiAppModule.forRoot(config), config);
  await app.listen(config.api.PORT, config.api.HOST);
  new Logger('Bootstrap').log(`api listening on http://${config.api.HOST}:${config.api.PORT}`);
  exitOnSignals(app, config.runtime.SHUTDOWN_TIMEOUT_MS, (message) => new Logger('Shutdown').log(message));
});
