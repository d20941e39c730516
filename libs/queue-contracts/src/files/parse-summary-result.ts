import { ObjectReader } from './object-reader';
import { ProblemList } from './problem-list';

/** The AI summary file: `overview` is required, everything else is kept as the AI wrote it (snake_case). */
export type GraphSummary = { overview: Record<string, unknown> } & Record<string, unknown>;

export type SummaryResultParseResult = { ok: true; summary: GraphSummary } | { ok: false; problems: string[] };

export function parseSummaryResult(value: unknown): SummaryResultParseResult {
  const problems = new ProblemList();
  const overview = ObjectReader.read(value, '', problems)?.object('overview');
  if (!overview || !problems.isEmpty) return { ok: false, problems: problems.toArray() };
  return { ok: true, summary: { ...(value as Record<string, unknown>), overview: overview.raw } };
}
