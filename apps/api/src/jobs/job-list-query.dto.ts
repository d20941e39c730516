import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

export class JobListQueryDto {
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1)
  @Max(200)
  limit = 50;
}
