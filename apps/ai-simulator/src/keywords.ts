const STOP_WORDS = new Set([
  'a', 'an', 'and', 'are', 'about', 'by', 'can', 'do', 'does', 'for', 'from', 'how', 'i', 'in', 'is', 'it',
  'me', 'my', 'of', 'on', 'or', 'the', 'to', 'what', 'why', 'with', 'you', 'your',
]);
const MAX_KEYWORDS = 5;

export interface Keyword {
  term: string;
  score: number;
}

/** Keywords of a title: its words, lower-cased, stop words and duplicates removed, scored by position. */
export function titleKeywords(title: string): Keyword[] {
  const words = title
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length >= 2 && !STOP_WORDS.has(word));
  const terms = [...new Set(words)].slice(0, MAX_KEYWORDS);
  const chosen = terms.length > 0 ? terms : ['untitled'];
  return chosen.map((term, index) => ({ term, score: Math.round((0.9 - index * 0.1) * 100) / 100 }));
}

/** "scatter" -> "Scatter"; scripts without case stay as they are. */
export function capitalize(term: string): string {
  return term.charAt(0).toUpperCase() + term.slice(1);
}
