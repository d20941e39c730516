import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';

/** GraphMetadataSortKey of SDK 0.2.29. */
export const GRAPH_SORT_KEYS = ['updatedAt', 'createdAt', 'nodeCount', 'title'] as const;
export type GraphSortKey = (typeof GRAPH_SORT_KEYS)[number];

/** Query of GET /v1/graph/graphs, as the SDK sends it (booleans as "true" / "false"). */
export class ListGraphsQueryDto {
  @IsOptional()
  @IsIn(GRAPH_SORT_KEYS, { message: `sortBy must be one of ${GRAPH_SORT_KEYS.join(', ')}` })
  sortBy?: GraphSortKey;

  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'onlyDeleted must be true or false' })
  onlyDeleted?: boolean;
}
