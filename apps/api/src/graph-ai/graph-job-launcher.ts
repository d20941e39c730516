import { Injectable } from '@nestjs/common';
import { macroIdOf } from '../graph/macro-id';
import { JobLauncher, type JobLaunch, type LaunchedJob } from '../jobs/job-launcher';

/** 202 of a graph-ai job (SDK GraphGenerationResponseDto): the job and the graph it works on. */
export interface GraphJobAccepted extends LaunchedJob {
  readonly macroId: string;
}

/** JobLauncher for the graph-ai routes: the answer also names the graph (macroId). */
@Injectable()
export class GraphJobLauncher {
  constructor(private readonly launcher: JobLauncher) {}

  async launch(launch: JobLaunch, message: string): Promise<GraphJobAccepted> {
    return { ...(await this.launcher.launch(launch, message)), macroId: macroIdOf(launch.userId) };
  }
}
