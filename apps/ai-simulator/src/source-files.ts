import { countMessages, parseConversations, type ChatExportConversation } from '@app/queue-contracts';
import type { GraphSource } from './graph-file';
import { naiveSeconds } from './naive-timestamp';
import type { ExistingCluster } from './add-node-result.builder';

type Json = Record<string, unknown>;

/** What a bundle or batch file turned out to hold. */
export type BundleFile = { kind: 'conversations'; sources: GraphSource[] } | { kind: 'notes'; sources: GraphSource[] };

/** Tells `input.json` (an export array) from `notes.json` ({source_nodes}) by content, as the AI does. */
export function readBundleFile(key: string, value: unknown): BundleFile {
  if (Array.isArray(value)) return { kind: 'conversations', sources: conversationSources(key, value) };
  if (isObject(value) && Array.isArray(value.source_nodes)) {
    return { kind: 'notes', sources: value.source_nodes.filter(isObject).map(noteFromSourceNode) };
  }
  throw new Error(`${key}: neither a conversation array nor {"source_nodes": [...]}`);
}

/** batch.json of ADD_NODE_REQUEST: conversations first, then notes, in file order. */
export function readAddNodeBatch(key: string, value: unknown): { sources: GraphSource[]; existing: ExistingCluster[] } {
  if (!isObject(value)) throw new Error(`${key}: batch.json must be an object`);
  const conversations = Array.isArray(value.conversations) && value.conversations.length > 0 ? conversationSources(key, value.conversations) : [];
  const notes = (Array.isArray(value.notes) ? value.notes : []).filter(isObject).map((note) => ({
    origId: text(note.noteId),
    title: text(note.title),
    timestamp: null,
    numSections: 1,
    sourceType: 'markdown',
  }));
  const existing = (Array.isArray(value.existingClusters) ? value.existingClusters : []).filter(isObject).map((cluster) => ({
    id: text(cluster.id),
    name: text(cluster.name),
    themes: Array.isArray(cluster.themes) ? cluster.themes.map(text) : [],
  }));
  return { sources: [...conversations, ...notes], existing };
}

function conversationSources(key: string, value: unknown[]): GraphSource[] {
  const parsed = parseConversations(value);
  if (!parsed.ok) throw new Error(`${key}: ${parsed.problems.slice(0, 5).join('; ')}`);
  return parsed.conversations.map(conversationSource);
}

function conversationSource(conversation: ChatExportConversation): GraphSource {
  return {
    origId: conversation.id,
    title: conversation.title ?? '',
    timestamp: naiveSeconds(conversation.create_time),
    numSections: countMessages(conversation),
    sourceType: 'chat',
  };
}

function noteFromSourceNode(node: Json): GraphSource {
  return {
    origId: text(node.id),
    title: text(node.title),
    timestamp: null,
    numSections: Array.isArray(node.sections) ? node.sections.length : 0,
    sourceType: typeof node.source_type === 'string' ? node.source_type : 'markdown',
  };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}
