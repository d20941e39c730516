import { type SourceRef } from '@app/database';

/** `options.sourceIds` of an add-node job (written by the api); malformed entries are ignored. */
export function readSourceIds(options: Readonly<Record<string, unknown>>): SourceRef[] {
  const raw = options.sourceIds;
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((entry: unknown): SourceRef[] => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { kind, id } = entry as Record<string, unknown>;
    if ((kind !== 'conversation' && kind !== 'note') || typeof id !== 'string' || id === '') return [];
    return [{ kind, id }];
  });
}

/** `options.graphVersion` of a summary or add-node job (the graph version it was made for), when it is a positive integer. */
export function readGraphVersion(options: Readonly<Record<string, unknown>>): number | undefined {
  const raw = options.graphVersion;
  return typeof raw === 'number' && Number.isInteger(raw) && raw > 0 ? raw : undefined;
}
