import type { ConversationDto, MessageDto, NoteDto } from '@taco_tsinghua/graphnode-sdk';
import { toConversationView } from './conversation.view';
import { toNoteView } from './note.view';

/*
 * The views are typed as the SDK's DTOs: each assignment below fails the
 * typecheck when a view misses, misspells or mistypes a field the SDK declares.
 */
const AT = new Date('2026-01-02T03:04:05.678Z');
const attachment = { id: 'f1', type: 'file' as const, url: 'uploads/f1', name: 'f1.pdf', mimeType: 'application/pdf', size: 0 };
const conversation = {
  id: 'c-1',
  title: 'Garden',
  messages: [
    { id: 'm1', role: 'user' as const, content: 'Hi', attachments: [attachment] },
    { id: 'm2', role: 'assistant' as const, content: 'Hello' },
  ],
};

describe(toConversationView.name, () => {
  it('is the SDK ConversationDto, every time the import time, messages with their attachments', () => {
    const view: ConversationDto = toConversationView(conversation, AT, true);
    const at = '2026-01-02T03:04:05.678Z';
    const stamps = { createdAt: at, updatedAt: at, deletedAt: null };

    expect(view).toEqual({
      id: 'c-1',
      title: 'Garden',
      ...stamps,
      messages: [
        { id: 'm1', role: 'user', content: 'Hi', ...stamps, attachments: [attachment] },
        { id: 'm2', role: 'assistant', content: 'Hello', ...stamps },
      ],
    });
    expect('attachments' in view.messages[1]).toBe(false);
  });

  it('lists no messages for a bulk answer', () => {
    const messages: MessageDto[] = toConversationView(conversation, AT, false).messages;

    expect(messages).toEqual([]);
  });
});

describe(toNoteView.name, () => {
  it('is the SDK NoteDto', () => {
    const view: NoteDto = toNoteView({ id: 'n-1', title: 'Plan', content: '', folderId: null }, AT);

    expect(view).toEqual({ id: 'n-1', title: 'Plan', content: '', folderId: null, createdAt: AT.toISOString(), updatedAt: AT.toISOString(), deletedAt: null });
  });
});
