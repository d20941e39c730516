import { type StoredGraphSummary } from '@app/database';

/** GET /v1/graph-ai/summary: SDK 0.2.29's GraphSummaryDto, every member present. */
export interface GraphSummaryView {
  overview: {
    total_conversations: number;
    total_notes: number;
    total_notions: number;
    total_files: number;
    time_span: string;
    primary_interests: string[];
    conversation_style: string;
    most_active_period: string;
    summary_text: string;
  };
  clusters: {
    cluster_id: string;
    name: string;
    size: number;
    density: number;
    centrality: number;
    recency: string;
    top_keywords: string[];
    key_themes: string[];
    common_question_types: string[];
    insight_text: string;
    notable_conversations: string[];
  }[];
  patterns: { pattern_type: string; description: string; evidence: string[]; significance: string }[];
  connections: { source_cluster: string; target_cluster: string; connection_strength: number; bridge_keywords: string[]; description: string }[];
  recommendations: { type: string; title: string; description: string; related_nodes: string[]; priority: string }[];
  generated_at: string;
  detail_level: string;
}

/** The user's live source counts, which the overview always reports. */
export interface SourceCounts {
  readonly conversations: number;
  readonly notes: number;
}

type Loose = Record<string, unknown>;

const text = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : '');
const number = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const texts = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item) => typeof item === 'string' || typeof item === 'number').map(text) : []);
const isLoose = (value: unknown): value is Loose => value !== null && typeof value === 'object' && !Array.isArray(value);
const records = (value: unknown): Loose[] => (Array.isArray(value) ? value.filter(isLoose) : []);

/** An ISO time with a zone; the AI writes UTC without one (`2026-12-01T09:26:06`). */
function isoTime(value: unknown, fallback: string): string {
  if (typeof value !== 'string' || value.trim() === '') return fallback;
  const zoned = /(?:[zZ]|[+-]\d\d:?\d\d)$/.test(value) ? value : `${value}Z`;
  const time = Date.parse(zoned);
  return Number.isNaN(time) ? fallback : new Date(time).toISOString();
}

/**
 * The stored summary (the AI's file, kept as it wrote it) in the SDK's shape:
 * every member present with its type, missing ones empty, what the SDK does
 * not know dropped; without a summary an empty one made now. The counts of
 * conversations and notes are always the live ones.
 */
export function summaryView(stored: StoredGraphSummary | undefined, counts: SourceCounts, now: Date): GraphSummaryView {
  const summary: Loose = stored?.summary ?? {};
  const overview = isLoose(summary.overview) ? summary.overview : {};
  return {
    overview: {
      total_conversations: counts.conversations,
      total_notes: counts.notes,
      total_notions: number(overview.total_notions),
      total_files: number(overview.total_files),
      time_span: text(overview.time_span),
      primary_interests: texts(overview.primary_interests),
      conversation_style: text(overview.conversation_style),
      most_active_period: text(overview.most_active_period),
      summary_text: text(overview.summary_text),
    },
    clusters: records(summary.clusters).map((cluster) => ({
      cluster_id: text(cluster.cluster_id),
      name: text(cluster.name),
      size: number(cluster.size),
      density: number(cluster.density),
      centrality: number(cluster.centrality),
      recency: text(cluster.recency),
      top_keywords: texts(cluster.top_keywords),
      key_themes: texts(cluster.key_themes),
      common_question_types: texts(cluster.common_question_types),
      insight_text: text(cluster.insight_text),
      notable_conversations: texts(cluster.notable_conversations),
    })),
    patterns: records(summary.patterns).map((pattern) => ({
      pattern_type: text(pattern.pattern_type),
      description: text(pattern.description),
      evidence: texts(pattern.evidence),
      significance: text(pattern.significance),
    })),
    connections: records(summary.connections).map((connection) => ({
      source_cluster: text(connection.source_cluster),
      target_cluster: text(connection.target_cluster),
      // The AI has also written `strength`.
      connection_strength: number(connection.connection_strength ?? connection.strength),
      bridge_keywords: texts(connection.bridge_keywords),
      description: text(connection.description),
    })),
    recommendations: records(summary.recommendations).map((recommendation) => ({
      type: text(recommendation.type),
      title: text(recommendation.title),
      description: text(recommendation.description),
      related_nodes: texts(recommendation.related_nodes),
      priority: text(recommendation.priority),
    })),
    generated_at: isoTime(summary.generated_at, stored?.createdAt ?? now.toISOString()),
    detail_level: text(summary.detail_level) || 'standard',
  };
}
