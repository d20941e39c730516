/** Plain sentences for users; the AI's raw `error` text stays with operators. */
const MESSAGES: Record<string, string> = {
  LLM_AUTH_FAILED: 'The AI service is misconfigured. We have been notified; please try again later.',
  AI_FAILED: 'The AI could not finish this job. Please try again.',
  RESULT_MISSING: 'The AI finished without producing a result. Please try again.',
  RESULT_NOT_FOUND: 'The AI result could not be found. Please try again.',
  RESULT_INVALID: 'The AI produced a result we could not read. Please try again.',
  RESULT_TOO_LARGE: 'The graph came out too large to store. Try again with fewer conversations.',
  RESULT_KEY_FOREIGN: 'The AI answer pointed at data that does not belong to this job, so it was not used. Please try again.',
  RESULT_MESSAGE_INVALID: 'The AI sent an answer we could not understand. Please try again.',
  GRAPH_NOT_FOUND: 'There is no graph yet. Generate a graph first, then try again.',
  GRAPH_REGENERATED: 'The graph was regenerated while the new conversations were being added. Add them again.',
  JOB_TIMED_OUT: 'The AI took too long to answer. Please try again.',
  QUEUE_UNAVAILABLE: 'The job could not be queued. Please try again.',
};

export function userMessageFor(code: string): string {
  return MESSAGES[code] ?? 'The job failed. Please try again.';
}
