/**
 * Kinds of optional parts of an AI result file that the parsers skip (or store
 * as their default) instead of refusing the whole file:
 * - `blocks`: a whole optional block of an unknown shape (its path is kept)
 * - `fields`: a field that cannot be read, stored as its default
 * - `keywords`: a keyword, top keyword or theme of the wrong type
 * - `edges`: an edge that cannot be read (no integer ends, no weight)
 * - `danglingEdges`: an edge to a node id that is not there
 * - `subclusters` / `clusters`: an entry that cannot be read, points at missing nodes, or repeats an id
 * - `items` / `assignedClusters`: add-node result items and cluster assignments that cannot be read
 */
export type SkippedPartKind = 'blocks' | 'fields' | 'keywords' | 'edges' | 'danglingEdges' | 'subclusters' | 'clusters' | 'items' | 'assignedClusters';

/** What a parser skipped: counts per kind, and the paths of skipped blocks (key names and indices only, never values). */
export interface SkippedParts {
  readonly counts: Readonly<Partial<Record<SkippedPartKind, number>>>;
  readonly blocks: readonly string[];
}

/** Counts skipped parts while a file is read; keeps the first few block paths. */
export class SkippedPartsCounter {
  static readonly BLOCK_PATHS = 5;
  private readonly counts: Partial<Record<SkippedPartKind, number>> = {};
  private readonly blocks: string[] = [];

  add(kind: SkippedPartKind, count = 1): void {
    if (count > 0) this.counts[kind] = (this.counts[kind] ?? 0) + count;
  }

  block(path: string): void {
    this.add('blocks');
    if (this.blocks.length < SkippedPartsCounter.BLOCK_PATHS) this.blocks.push(path);
  }

  toParts(): SkippedParts {
    return { counts: { ...this.counts }, blocks: [...this.blocks] };
  }
}
