import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { readGoldenJson } from '../../test/golden-contract';
import { type ChatExportConversation } from './chat-export.types';
import { countMessages, parseConversations, type ConversationsParseResult } from './parse-conversations';

type Json = Record<string, unknown>;

function golden(): Json[] {
  return readGoldenJson('files/conversations.json') as Json[];
}

function conversationsOf(result: ConversationsParseResult): ChatExportConversation[] {
  if (!result.ok) throw new Error(`expected valid conversations, got: ${result.problems.join('; ')}`);
  return result.conversations;
}

function problemsOf(result: ConversationsParseResult): string[] {
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

const minimal = (overrides: Json = {}): Json => ({ id: 'c1', title: 't', create_time: 1, update_time: 2, mapping: {}, ...overrides });

describe(parseConversations.name, () => {
  describe('golden file', () => {
    it('parses conversations.json with branches, null messages, system and multimodal messages', () => {
      const [first, second] = conversationsOf(parseConversations(golden()));
      expect(first.id).toBe('67a4e0b1-6c3d-800b-8f2e-1d9a5b7c3e01');
      expect(first.title).toBe('Tomato seedlings getting leggy');
      expect(first.create_time).toBe(1733123645.318);
      expect(Object.keys(first.mapping)).toEqual(['client-created-root', 's0', 'q1', 'r1', 'r1b', 'q2', 'r2', 'r3']);
      expect(first.mapping['client-created-root']).toEqual({ id: 'client-created-root', message: null, parent: null, children: ['s0'] });
      expect(first.mapping.q1.children).toEqual(['r1', 'r1b']);
      expect(first.mapping.q2.message?.content).toEqual({
        content_type: 'multimodal_text',
        parts: [
          { content_type: 'image_asset_pointer', asset_pointer: 'file-service://file-Tm4aB9cD2eF7', size_bytes: 90412, width: 768, height: 1024 },
          'Is this too close now?',
        ],
      });
      expect(first.mapping.r2.message?.content).toEqual({ content_type: 'code', parts: [] });
      expect(second.title).toBe('된장찌개 레시피');
      expect(second.mapping.k1.parent).toBeNull();
    });
  });

  describe('the example export of the README tour (examples/chatgpt-export.json)', () => {
    const example = (): unknown => JSON.parse(readFileSync(path.resolve(__dirname, '../../../../examples/chatgpt-export.json'), 'utf8'));

    it('parses whole, with the oddities of a real export', () => {
      const conversations = conversationsOf(parseConversations(example()));
      expect(conversations).toHaveLength(5);
      expect(conversations.map((conversation) => conversation.title)).toContain(null);
      const nodes = conversations.flatMap((conversation) => Object.values(conversation.mapping));
      const types = new Set(nodes.map((node) => node.message?.content.content_type ?? 'null message'));
      expect([...types].sort()).toEqual(
        ['code', 'execution_output', 'multimodal_text', 'null message', 'tether_browsing_display', 'text', 'user_editable_context'].sort(),
      );
      expect(nodes.some((node) => node.children.length > 1)).toBe(true);
      expect(new Set(nodes.map((node) => node.message?.author.role))).toEqual(new Set([undefined, 'system', 'user', 'assistant', 'tool']));
      expect(conversations.every((conversation) => countMessages(conversation) >= 2)).toBe(true);
    });
  });

  describe('tolerance', () => {
    it('accepts null and absent titles and times, extra fields, and content without parts', () => {
      const node = { id: 'n', parent: null, children: [], message: { id: 'n', author: { role: 'assistant', name: null }, content: { content_type: 'code', text: 'x=1' }, status: 'done' } };
      const { title: _, ...untitled } = minimal({ create_time: null, update_time: null, mapping: { n: node }, conversation_id: 'c1', is_archived: false });
      const [conversation] = conversationsOf(parseConversations([untitled]));
      expect(conversation.title).toBeNull();
      expect(conversation.create_time).toBeNull();
      expect(conversation.mapping.n.message).toEqual({ id: 'n', author: { role: 'assistant' }, content: { content_type: 'code', parts: [] } });
    });
  });

  describe('problems', () => {
    it.each([
      ['an empty array', [], ['no conversations: the array is empty']],
      ['an object', { conversations: [] }, ['conversations must be an array']],
      ['an array of non-objects', [1], ['[0] must be an object']],
    ])('rejects %s', (_, value, problems) => {
      expect(problemsOf(parseConversations(value))).toEqual(problems);
    });

    it('names the item and field', () => {
      const value = [minimal(), minimal(), minimal(), minimal({ mapping: [] })];
      expect(problemsOf(parseConversations(value))).toEqual(['[3].mapping must be an object']);
    });

    it('reports wrong types deep inside the mapping with a readable path', () => {
      const bad = { 'a-b': { id: 'a-b', parent: 7, children: 'u1', message: { id: 'a-b', author: { role: 1 }, content: { content_type: 'text', parts: [] } } } };
      expect(problemsOf(parseConversations([minimal({ id: 5, create_time: '2024', mapping: bad })]))).toEqual([
        '[0].id must be a string',
        '[0].create_time must be a number',
        '[0].mapping["a-b"].message.author.role must be a string',
        '[0].mapping["a-b"].parent must be a string',
        '[0].mapping["a-b"].children must be an array',
      ]);
    });

    it('caps the list at 20 problems plus a count of the rest', () => {
      const problems = problemsOf(parseConversations(Array.from({ length: 30 }, () => minimal({ mapping: null }))));
      expect(problems).toHaveLength(21);
      expect(problems[0]).toBe('[0].mapping is required');
      expect(problems[20]).toBe('...and 10 more problems');
    });
  });
});

describe(countMessages.name, () => {
  describe('counting', () => {
    it('counts user and assistant messages across branches, skipping null and system messages', () => {
      const [first, second] = conversationsOf(parseConversations(golden()));
      expect(countMessages(first)).toBe(6);
      expect(countMessages(second)).toBe(2);
    });
  });
});
