import { countMessages, parseConversations } from '@app/queue-contracts';
import { type ClientMessage, toChatExport } from './chat-export.mapper';

const NOW = 1_767_225_600.25;
const message = (id: string, role: ClientMessage['role'], content: string): ClientMessage => ({ id, role, content });

describe(toChatExport.name, () => {
  it('links a root node without a message, then each message as the only child of the one before', () => {
    const exported = toChatExport({ id: 'c-1', title: 'Seedlings', messages: [message('m1', 'user', 'Why leggy?'), message('m2', 'assistant', 'More light.')] }, NOW);

    expect(exported).toEqual({
      id: 'c-1',
      title: 'Seedlings',
      create_time: NOW,
      update_time: NOW,
      mapping: {
        'client-created-root': { id: 'client-created-root', message: null, parent: null, children: ['m1'] },
        m1: {
          id: 'm1',
          message: { id: 'm1', author: { role: 'user' }, content: { content_type: 'text', parts: ['Why leggy?'] } },
          parent: 'client-created-root',
          children: ['m2'],
        },
        m2: {
          id: 'm2',
          message: { id: 'm2', author: { role: 'assistant' }, content: { content_type: 'text', parts: ['More light.'] } },
          parent: 'm1',
          children: [],
        },
      },
    });
  });

  it('is an export the AI contract parser accepts, counting user and assistant messages', () => {
    const exported = toChatExport(
      { id: 'c-1', title: 't', messages: [message('s', 'system', 'Be brief.'), message('q', 'user', 'Hi'), message('a', 'assistant', 'Hello')] },
      NOW,
    );
    const parsed = parseConversations([exported]);

    expect(parsed.ok).toBe(true);
    expect(parsed.ok && countMessages(parsed.conversations[0])).toBe(2);
  });

  it('gives a conversation without messages only its root', () => {
    expect(toChatExport({ id: 'c-1', title: 't', messages: [] }, NOW).mapping).toEqual({
      'client-created-root': { id: 'client-created-root', message: null, parent: null, children: [] },
    });
  });

  it('names the root differently when a message already has its name', () => {
    const { mapping } = toChatExport({ id: 'c-1', title: 't', messages: [message('client-created-root', 'user', 'Hi')] }, NOW) as {
      mapping: Record<string, { parent: string | null; children: string[] }>;
    };

    expect(Object.keys(mapping)).toEqual(['client-created-root_', 'client-created-root']);
    expect(mapping['client-created-root_']).toMatchObject({ parent: null, children: ['client-created-root'] });
    expect(mapping['client-created-root']).toMatchObject({ parent: 'client-created-root_', children: [] });
  });

  it('keeps a message id like __proto__ as an ordinary key', () => {
    const { mapping } = toChatExport({ id: 'c-1', title: 't', messages: [message('__proto__', 'user', 'Hi')] }, NOW) as { mapping: object };

    expect(Object.getPrototypeOf(mapping)).toBe(Object.prototype);
    expect(Object.keys(JSON.parse(JSON.stringify(mapping)) as object)).toEqual(['client-created-root', '__proto__']);
  });

  it("keeps a message's attachments in its metadata", () => {
    const attachment = { id: 'f1', type: 'image' as const, url: 'uploads/f1.png', name: 'f1.png', mimeType: 'image/png', size: 12 };
    const exported = toChatExport({ id: 'c-1', title: 't', messages: [{ ...message('m1', 'user', 'See'), attachments: [attachment] }] }, NOW) as {
      mapping: { m1: { message: Record<string, unknown> } };
    };

    expect(exported.mapping.m1.message.metadata).toEqual({ attachments: [attachment] });
  });
});
