import { type SourceKind, type SourceRow } from '@app/database';
import { type ScopeCreatedPeriod, type ScopeDataType, type ScopeFilterDto } from './scope-filter.dto';

/** A validated scopeFilter with only its mode's member, as kept in the job's options. */
export type ScopeFilter =
  | { readonly mode: 'auto'; readonly intent: string }
  | { readonly mode: 'manual'; readonly filters: { readonly dataTypes: readonly ScopeDataType[]; readonly createdPeriod?: ScopeCreatedPeriod } };

/** The source kind each data type selects; we import no files and no Notion pages. */
const KINDS_OF: Readonly<Record<ScopeDataType, readonly SourceKind[]>> = { chat: ['conversation'], note: ['note'], file: [], notion: [] };

const DAY_MS = 86_400_000;
const PERIOD_MS: Readonly<Record<ScopeCreatedPeriod, number>> = { '1w': 7 * DAY_MS, '1m': 30 * DAY_MS, '3m': 90 * DAY_MS, '1y': 365 * DAY_MS };

/** The scope as validated by ScopeFilterDto (which checked the member of its mode). */
export function scopeOf(dto: ScopeFilterDto): ScopeFilter {
  if (dto.mode === 'auto') return { mode: 'auto', intent: dto.intent ?? '' };
  const { dataTypes = [], createdPeriod } = dto.filters ?? {};
  return { mode: 'manual', filters: { dataTypes: [...new Set(dataTypes)], ...(createdPeriod ? { createdPeriod } : {}) } };
}

/**
 * The sources a graph of this scope is built from. A manual scope keeps the
 * chosen kinds imported within the period; an auto scope (the AI picking by
 * intent, which our AI cannot do) and no scope keep every source.
 */
export function selectSources(rows: readonly SourceRow[], scope: ScopeFilter | undefined, now: Date): readonly SourceRow[] {
  if (scope?.mode !== 'manual') return rows;
  const kinds = new Set(scope.filters.dataTypes.flatMap((type) => KINDS_OF[type]));
  const period = scope.filters.createdPeriod;
  const since = period === undefined ? Number.NEGATIVE_INFINITY : now.getTime() - PERIOD_MS[period];
  return rows.filter((row) => kinds.has(row.kind) && row.importedAt.getTime() >= since);
}
