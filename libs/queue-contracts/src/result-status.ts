export const RESULT_STATUSES = ['COMPLETED', 'FAILED'] as const;

/** Final outcome reported by the AI in every *_RESULT payload. */
export type ResultStatus = (typeof RESULT_STATUSES)[number];
