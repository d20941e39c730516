import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsIn, IsObject, IsOptional, IsString, MaxLength, MinLength, ValidateIf, ValidateNested } from 'class-validator';

/** The data types the web client can scope a graph to; we hold chats and notes only (files and Notion pages select nothing). */
export const SCOPE_DATA_TYPES = ['chat', 'file', 'notion', 'note'] as const;
export type ScopeDataType = (typeof SCOPE_DATA_TYPES)[number];

/** "Created within the last ..." periods, by the source's import time. */
export const SCOPE_CREATED_PERIODS = ['1w', '1m', '3m', '1y'] as const;
export type ScopeCreatedPeriod = (typeof SCOPE_CREATED_PERIODS)[number];

export const MAX_SCOPE_INTENT_LENGTH = 2000;

class ScopeFiltersDto {
  @IsArray({ message: 'scopeFilter.filters.dataTypes must be an array' })
  @ArrayMinSize(1, { message: 'scopeFilter.filters.dataTypes must name at least one data type' })
  @ArrayMaxSize(SCOPE_DATA_TYPES.length, { message: `scopeFilter.filters.dataTypes may name at most ${SCOPE_DATA_TYPES.length} data types` })
  @IsIn(SCOPE_DATA_TYPES, { each: true, message: `scopeFilter.filters.dataTypes may only hold ${SCOPE_DATA_TYPES.join(', ')}` })
  dataTypes!: ScopeDataType[];

  @IsOptional()
  @IsIn(SCOPE_CREATED_PERIODS, { message: `scopeFilter.filters.createdPeriod must be one of ${SCOPE_CREATED_PERIODS.join(', ')}` })
  createdPeriod?: ScopeCreatedPeriod;
}

/**
 * `scopeFilter` of POST /v1/graph-ai/generate (SDK 0.2.29's ScopeFilter):
 * `{mode: 'auto', intent}` or `{mode: 'manual', filters: {dataTypes, createdPeriod?}}`.
 * Only the member of the given mode is validated and kept (see scopeOf).
 */
export class ScopeFilterDto {
  @IsIn(['auto', 'manual'], { message: 'scopeFilter.mode must be auto or manual' })
  mode!: 'auto' | 'manual';

  @ValidateIf((scope: ScopeFilterDto) => scope.mode === 'auto')
  @IsString({ message: 'scopeFilter.intent must be a string (mode auto)' })
  @MinLength(1, { message: 'scopeFilter.intent must not be empty (mode auto)' })
  @MaxLength(MAX_SCOPE_INTENT_LENGTH, { message: `scopeFilter.intent may be at most ${MAX_SCOPE_INTENT_LENGTH} characters` })
  intent?: string;

  @ValidateIf((scope: ScopeFilterDto) => scope.mode === 'manual')
  @IsDefined({ message: 'scopeFilter.filters is required (mode manual)' })
  @IsObject({ message: 'scopeFilter.filters must be an object' })
  @ValidateNested()
  @Type(() => ScopeFiltersDto)
  filters?: ScopeFiltersDto;
}
