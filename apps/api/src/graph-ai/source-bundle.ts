import { type SourceRow } from '@app/database';

export interface SourceRef {
  readonly kind: string;
  readonly id: string;
}

/** One entry of `notes.json`'s source_nodes (CONTRACT.md). */
export function noteNode(note: SourceRow): unknown {
  return {
    id: note.id,
    title: note.title ?? '',
    sections: [{ id: `${note.id}-0`, content: String(note.content) }],
    source_type: 'markdown',
  };
}

/** One entry of an add-node `batch.json`'s notes (CONTRACT.md). */
export function batchNote(note: SourceRow): unknown {
  return { noteId: note.id, title: note.title ?? '', content: String(note.content) };
}

/** One entry of `input.json` or of `batch.json`'s conversations: the conversation as imported. */
export const conversationEntry = (conversation: SourceRow): unknown => conversation.content;
