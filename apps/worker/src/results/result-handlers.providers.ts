import { type Provider } from '@nestjs/common';
import { JobFilesCleaner } from '../retention/job-files.cleaner';
import { AddNodeResultHandler } from './add-node-result.handler';
import { GraphResultHandler } from './graph-result.handler';
import { GraphSummaryResultHandler } from './graph-summary-result.handler';
import { JobMatcher } from './job-matcher';
import { ProgressHandler } from './progress.handler';
import { ResultDispatcher } from './result-dispatcher';
import { RESULT_HANDLERS, type ResultHandler } from './result-handler';
import { ResultSupport } from './result-support';

/** The dispatcher and one handler per consumed task type (and the file cleanup a job's end triggers); registering a handler here is the only wiring. */
export const RESULT_HANDLER_PROVIDERS: Provider[] = [
  JobMatcher,
  JobFilesCleaner,
  ResultSupport,
  ProgressHandler,
  GraphResultHandler,
  AddNodeResultHandler,
  GraphSummaryResultHandler,
  {
    provide: RESULT_HANDLERS,
    inject: [ProgressHandler, GraphResultHandler, AddNodeResultHandler, GraphSummaryResultHandler],
    useFactory: (...handlers: ResultHandler[]) => handlers,
  },
  ResultDispatcher,
];
