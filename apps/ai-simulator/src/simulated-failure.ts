/**
 * Failures the simulator can play (AI_SIMULATOR_FAILURE), each with the raw
 * provider string the real server puts into `error`. SUMMARY_FAILED is the
 * partial failure: the graph is COMPLETED, the summary is missing.
 */
export const SIMULATED_FAILURES = {
  LLM_AUTH_FAILED:
    "Error code: 401 - {'error': {'message': 'Incorrect API key provided: sk-proj-****Xq2a.', 'type': 'invalid_request_error', 'param': None, 'code': 'invalid_api_key'}}",
  LLM_RATE_LIMITED:
    "Error code: 429 - {'error': {'message': 'Rate limit reached for gpt-4o-mini in organization org-sim on requests per min (RPM): Limit 500, Used 500, Requested 1.', 'type': 'requests', 'code': 'rate_limit_exceeded'}}",
  SUMMARY_FAILED: 'summary generation failed: upstream model timeout',
} as const;

export type SimulatedFailure = keyof typeof SIMULATED_FAILURES;

export const SIMULATED_FAILURE_CODES = Object.keys(SIMULATED_FAILURES) as SimulatedFailure[];

/** A failure that stops the whole job (every one except the partial summary failure). */
export function isFatalFailure(failure: SimulatedFailure | undefined): failure is Exclude<SimulatedFailure, 'SUMMARY_FAILED'> {
  return failure !== undefined && failure !== 'SUMMARY_FAILED';
}
