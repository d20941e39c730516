/** A JSON string literal, or one of the bare tokens Python writes for floats JSON cannot express. */
const STRING_OR_NON_FINITE = /"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g;
const NON_FINITE = /NaN|Infinity/;

/**
 * Parses a result file as the AI's Python writes it. `json.dumps` writes
 * `NaN`, `Infinity` and `-Infinity` for floats JSON cannot express (numpy
 * gives NaN for, e.g., the density of a one-node subcluster), and JSON.parse
 * refuses the whole file for one of them. Here they become the strings
 * "NaN", "Infinity", "-Infinity", so the file parsers treat each as an
 * unreadable number (skipped or stored as its default, and counted) rather
 * than losing the file. Valid JSON takes JSON.parse alone; anything else still
 * throws its SyntaxError.
 */
export function parseResultJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (!(error instanceof SyntaxError) || !NON_FINITE.test(text)) throw error;
    const quoted = text.replace(STRING_OR_NON_FINITE, (token) => (token.startsWith('"') ? token : `"${token}"`));
    try {
      return JSON.parse(quoted);
    } catch {
      throw error;
    }
  }
}
