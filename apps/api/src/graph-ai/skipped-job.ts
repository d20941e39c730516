/** Answer (200) when there is nothing for the AI to do. */
export interface SkippedJob {
  readonly message: string;
  readonly status: 'skipped';
}
