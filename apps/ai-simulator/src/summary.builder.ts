import type { GraphNode } from '@app/queue-contracts';

/** What the summary looks at: nodes as parseGraphResult reads them (timestamps are UTC ISO strings). */
export type SummaryNode = Pick<GraphNode, 'id' | 'origId' | 'clusterId' | 'clusterName' | 'sourceType' | 'timestamp' | 'topKeywords'>;

interface ClusterGroup {
  id: string;
  name: string;
  nodes: SummaryNode[];
}

/** A summary in the AI server's shape (contract/files/summary.json), derived only from the graph. */
export function buildSummary(nodes: readonly SummaryNode[], generatedAt: string) {
  const groups = groupClusters(nodes).sort((a, b) => b.nodes.length - a.nodes.length || a.id.localeCompare(b.id));
  const days = nodes.flatMap((node) => (node.timestamp ? [node.timestamp.slice(0, 10)] : [])).sort();
  const total = nodes.length;
  const interests = groups.slice(0, 3).map((group) => group.name.toLowerCase());
  const conversations = nodes.filter((node) => node.sourceType !== 'markdown').length;
  return {
    overview: {
      total_source_nodes: total,
      total_conversations: conversations,
      total_notes: total - conversations,
      time_span: days.length > 0 ? `${days[0]} to ${days[days.length - 1]}` : 'unknown',
      primary_interests: interests,
      conversation_style: 'practical how-to questions',
      most_active_period: mostFrequent(days.map((day) => day.slice(0, 7))) ?? 'unknown',
      summary_text: `${total} sources in ${groups.length} topics, mostly ${interests[0] ?? 'nothing yet'}.`,
    },
    clusters: groups.map((group) => ({
      cluster_id: group.id,
      name: group.name,
      size: group.nodes.length,
      density: 1.0,
      centrality: Math.round((group.nodes.length / Math.max(total, 1)) * 100) / 100,
      recency: 'active',
      top_keywords: [...new Set(group.nodes.flatMap((node) => node.topKeywords))].slice(0, 5),
      key_themes: [group.name.toLowerCase()],
      common_question_types: ['how-to'],
      insight_text: `${group.nodes.length} sources about ${group.name.toLowerCase()}.`,
      notable_conversations: group.nodes.slice(0, 3).map((node) => node.origId),
    })),
    patterns: groups.slice(0, 1).map((group) => ({
      pattern_type: 'focus',
      description: `Most sources are about ${group.name.toLowerCase()}`,
      evidence: group.nodes.slice(0, 3).map((node) => node.origId),
      significance: 'medium',
    })),
    connections: [],
    recommendations: groups.slice(0, 2).map((group) => ({
      type: 'explore',
      title: `Go deeper into ${group.name}`,
      description: `Related questions to ${group.name.toLowerCase()} you have not asked yet`,
      related_nodes: group.nodes.slice(0, 3).map((node) => node.id),
      priority: 'low',
    })),
    generated_at: generatedAt,
    detail_level: 'standard',
  };
}

export type GraphSummaryFile = ReturnType<typeof buildSummary>;

function groupClusters(nodes: readonly SummaryNode[]): ClusterGroup[] {
  const groups = new Map<string, ClusterGroup>();
  for (const node of nodes) {
    const group = groups.get(node.clusterId) ?? { id: node.clusterId, name: node.clusterName || node.clusterId, nodes: [] };
    group.nodes.push(node);
    groups.set(node.clusterId, group);
  }
  return [...groups.values()];
}

function mostFrequent(values: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}
