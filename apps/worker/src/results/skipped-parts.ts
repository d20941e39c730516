import { type GraphResultParseResult } from '@app/queue-contracts';

/** What a result file parser of @app/queue-contracts skipped (counts per kind, block paths). */
export type SkippedParts = Extract<GraphResultParseResult, { ok: true }>['skipped'];
type SkippedKind = keyof SkippedParts['counts'];

/** [one, many] per kind, in the order the warning lists them. */
const LABELS: Readonly<Record<SkippedKind, readonly [string, string]>> = {
  items: ['unreadable result item', 'unreadable result items'],
  blocks: ['block of an unknown shape', 'blocks of an unknown shape'],
  danglingEdges: ['edge to a missing node', 'edges to missing nodes'],
  edges: ['unreadable edge', 'unreadable edges'],
  subclusters: ['unreadable subcluster', 'unreadable subclusters'],
  clusters: ['unreadable cluster', 'unreadable clusters'],
  assignedClusters: ['unreadable cluster assignment', 'unreadable cluster assignments'],
  keywords: ['keyword of the wrong type', 'keywords of the wrong type'],
  fields: ['unreadable field (stored as its default)', 'unreadable fields (stored as their defaults)'],
};

function entries(skipped: SkippedParts): [SkippedKind, number][] {
  return (Object.keys(LABELS) as SkippedKind[]).flatMap((kind) => {
    const count = skipped.counts[kind] ?? 0;
    return count > 0 ? [[kind, count] as [SkippedKind, number]] : [];
  });
}

/** `skipped` with more of some kinds (parts a handler skips itself, e.g. add-node edges to nodes the stored graph lacks). */
export function withSkipped(skipped: SkippedParts, more: SkippedParts['counts']): SkippedParts {
  const counts = { ...skipped.counts };
  for (const kind of Object.keys(more) as SkippedKind[]) counts[kind] = (counts[kind] ?? 0) + (more[kind] ?? 0);
  return { counts, blocks: skipped.blocks };
}

/**
 * The sentence for the job's warning: counts and our own key paths only, never
 * content from the file; null when nothing was skipped.
 */
export function skippedWarning(skipped: SkippedParts): string | null {
  const parts = entries(skipped).map(([kind, count]) => {
    const [one, many] = LABELS[kind];
    const blocks = kind === 'blocks' && skipped.blocks.length > 0 ? ` (${skipped.blocks.join(', ')})` : '';
    return `${count} ${count === 1 ? one : many}${blocks}`;
  });
  return parts.length > 0 ? `unreadable parts of the result file were skipped: ${parts.join(', ')}` : null;
}

/** `danglingEdges=12 keywords=3` for the log line. */
export function skippedCounts(skipped: SkippedParts): string {
  return entries(skipped)
    .map(([kind, count]) => `${kind}=${count}`)
    .join(' ');
}
