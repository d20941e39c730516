import 'reflect-metadata';
import { bootOrExit, exitOnSignals } from '@app/config';
import { Logger } from '@nestjs/common';
import { createApiApp } from '../../api/src/api-bootstrap';
import { loadLocalConfig } from './local.config';
import { LocalAppModule } from './local-app.module';

bootOrExit('local', async () => {
  const config = loadLocalConfig(process.env);
  const app = await createApiApp(LocalAppModule.forRoot(config), config);
  await app.listen(config.api.PORT, config.api.HOST);
  new Logger('Bootstrap').log(`api + worker listening on http://${config.api.HOST}:${config.api.PORT}`);
  exitOnSignals(app, config.runtime.SHUTDOWN_TIMEOUT_MS, (message) => new Logger('Shutdown').log(message));
});
