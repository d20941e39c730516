import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { LaxInt } from '../lax-int.decorator';
import { Required } from '../required.decorator';

/** GRAPH_GENERATION_PROGRESS (AI -> worker). Many per job; may arrive after the result. */
export class GraphGenerationProgressPayload {
  @Required()
  @IsString()
  userId!: string;

  /** Free text chosen by the AI, often Korean (e.g. `[1단계] 임베딩 생성 중`). */
  @Required()
  @IsString()
  currentStage!: string;

  /** Within the current stage, not overall. */
  @Required()
  @LaxInt()
  @IsInt()
  @Min(0)
  @Max(100)
  progressPercent!: number;

  @IsOptional()
  @LaxInt()
  @IsInt()
  etaSeconds: number | null = null;
}
