import { AwsModule, toAwsOptions } from '@app/aws';
import { TypedConfigModule } from '@app/config';
import { type DynamicModule, Module } from '@nestjs/common';
import { AddNodeHandler } from './add-node.handler';
import { BundleStore } from './bundle.store';
import { AiSimulatorConfig } from './config/ai-simulator.config';
import { GraphGenerationHandler } from './graph-generation.handler';
import { GraphSummaryHandler } from './graph-summary.handler';
import { RequestQueueConsumer } from './request-queue.consumer';
import { RequestRouter } from './request.router';
import { ResultSender } from './result.sender';

/** The AI simulator: consumes the request queue, answers on the result queue like the Python server. */
@Module({})
export class AiSimulatorModule {
  static forRoot(config: AiSimulatorConfig): DynamicModule {
    return {
      module: AiSimulatorModule,
      imports: [TypedConfigModule.forRoot({ simulator: config }), AwsModule.forRoot(toAwsOptions(config))],
      providers: [BundleStore, ResultSender, GraphGenerationHandler, AddNodeHandler, GraphSummaryHandler, RequestRouter, RequestQueueConsumer],
    };
  }
}
