import { type Provider } from '@nestjs/common';
import { GraphResultHandler } from './graph-result.handler';
import { JobMatcher } from './job-matcher';
import { ProgressHandler } from './progress.handler';
import { ResultDispatcher } from './result-dispatcher';
import { RESULT_HANDLERS, type ResultHandler } from './result-handler';

/** The dispatcher and one handler per consumed task type; registering a handler here is the only wiring. */
export const RESULT_HANDLER_PROVIDERS: Provider[] = [
  JobMatcher,
  ProgressHandler,
  GraphResultHandler,
  {
    provide: RESULT_HANDLERS,
    inject: [ProgressHandler, GraphResultHandler],
    useFactory: (...handlers: ResultHandler[]) => handlers,
  },
  ResultDispatcher,
];
