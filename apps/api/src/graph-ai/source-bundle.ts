import { type SourceRow } from '@app/database';

export interface SourceRef {
  readonly kind: string;
  readonly id: string;
}

export const refsOf = (rows: readonly SourceRow[]): SourceRef[] => rows.map(({ kind, id }) => ({ kind, id }));

export const conversationsOf = (rows: readonly SourceRow[]): unknown[] => rows.filter((row) => row.kind === 'conversation').map((row) => row.content);

const notesOf = (rows: readonly SourceRow[]) => rows.filter((row) => row.kind === 'note');

/** `notes.json` of a graph-generation bundle (CONTRACT.md), or undefined without notes. */
export function notesFile(rows: readonly SourceRow[]): string | undefined {
  const notes = notesOf(rows);
  if (notes.length === 0) return undefined;
  return JSON.stringify({
    source_nodes: notes.map((note) => ({
      id: note.id,
      title: note.title ?? '',
      sections: [{ id: `${note.id}-0`, content: String(note.content) }],
      source_type: 'markdown',
    })),
  });
}

/** The notes list of an add-node `batch.json` (CONTRACT.md). */
export function batchNotes(rows: readonly SourceRow[]): { noteId: string; title: string; content: string }[] {
  return notesOf(rows).map((note) => ({ noteId: note.id, title: note.title ?? '', content: String(note.content) }));
}
