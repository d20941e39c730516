/** A note as the web client sent it, with its id and title settled. */
export interface ClientNote {
  readonly id: string;
  readonly title: string;
  readonly content: string;
  readonly folderId: string | null;
}

/** A note as the web client reads it (the SDK's NoteDto). */
export interface NoteView {
  readonly id: string;
  readonly title: string;
  readonly content: string;
  readonly folderId: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deletedAt: null;
}

export function toNoteView(note: ClientNote, importedAt: Date): NoteView {
  const at = importedAt.toISOString();
  return { id: note.id, title: note.title, content: note.content, folderId: note.folderId, createdAt: at, updatedAt: at, deletedAt: null };
}
