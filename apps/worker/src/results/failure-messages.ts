/** Plain sentences for users; the AI's raw `error` text stays with operators. */
const MESSAGES: Record<string, string> = {
  LLM_AUTH_FAILED: 'The AI service is misconfigured. We have been notified; please try again later.',
  RESULT_MISSING: 'The AI finished without producing a graph. Please try again.',
  RESULT_NOT_FOUND: 'The AI result could not be found. Please try again.',
  RESULT_INVALID: 'The AI produced a graph we could not read. Please try again.',
  QUEUE_UNAVAILABLE: 'The job could not be queued. Please try again.',
};

export function userMessageFor(code: string): string {
  return MESSAGES[code] ?? 'The job failed. Please try again.';
}
