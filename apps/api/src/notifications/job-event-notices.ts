import { Logger } from '@nestjs/common';
import { ServerRedis } from '@nestjs/microservices';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { jobEventChannel, JobEventHub, readJobEventNotice, redisTransportOptions } from '@app/job-events';

/**
 * Makes the api a hybrid app that hears the worker's "look" notices on this
 * deployment's Redis channel and pokes the streams of the user named. A
 * message that is not a notice is dropped: streams write only from the log,
 * so nothing published on the channel can reach a browser.
 */
export function listenForJobEventNotices(app: NestExpressApplication, redisUrl: string, namespace: string): void {
  const hub = app.get(JobEventHub);
  const logger = new Logger('JobEventNotices');
  const server = new ServerRedis(redisTransportOptions(redisUrl).options ?? {});
  server.addHandler(
    jobEventChannel(namespace),
    (data: unknown) => {
      const notice = readJobEventNotice(data);
      if (notice) hub.notify(notice);
      else logger.debug('dropped a message on the job-event channel that is not a notice');
      return Promise.resolve();
    },
    true,
  );
  app.connectMicroservice({ strategy: server }, { inheritAppConfig: true });
}
