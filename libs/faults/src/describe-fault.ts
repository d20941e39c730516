const MAX_LENGTH = 300;

/**
 * One bounded line naming a failure, safe for logs: the name, code and first
 * line of the message of the error and of each cause, with everything from a
 * failed query's "params:" on cut (parameters carry users' chats and notes).
 */
export function describeFault(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth++) {
    parts.push(describeOne(current));
    current = (current as { cause?: unknown }).cause;
  }
  const line = parts.join(' <- ') || String(error);
  return line.length > MAX_LENGTH ? `${line.slice(0, MAX_LENGTH - 1)}…` : line;
}

function describeOne(error: unknown): string {
  if (!(error instanceof Error)) return typeof error === 'string' ? firstLine(error) : typeof error;
  const code = (error as { code?: unknown }).code;
  const head = typeof code === 'string' || typeof code === 'number' ? `${error.name} [${code}]` : error.name;
  const message = shortQuery(firstLine(error.message.split(/\bparams:/)[0]));
  return message ? `${head}: ${message}` : head;
}

/** A failed query's statement is cut short, so its cause (the part that says what went wrong) still fits the line. */
const MAX_QUERY_LENGTH = 100;

function shortQuery(message: string): string {
  return message.startsWith('Failed query:') && message.length > MAX_QUERY_LENGTH ? `${message.slice(0, MAX_QUERY_LENGTH - 1)}…` : message;
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0].trim();
}

/** The call frames of an error's stack (its `at ...` lines, at most 8), without the message that heads it. */
export function stackFrames(error: unknown): string | undefined {
  if (!(error instanceof Error) || !error.stack) return undefined;
  const frames = error.stack.split('\n').filter((line) => /^\s+at /.test(line));
  return frames.length > 0 ? frames.slice(0, 8).join('\n') : undefined;
}
