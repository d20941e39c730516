/** Names of the message attributes a dead letter carries; the CLI reads them back. */
export const DeadLetterAttribute = {
  reason: 'reason',
  sourceQueue: 'sourceQueue',
  originalMessageId: 'originalMessageId',
  taskId: 'taskId',
  taskType: 'taskType',
  deadLetteredAt: 'deadLetteredAt',
  receiveCount: 'receiveCount',
} as const;

/** SQS caps a message's attributes at 256 KB in all; a reason longer than this is cut. */
export const MAX_REASON_BYTES = 1024;

/** Cuts `text` to at most `maxBytes` of UTF-8 without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const marker = '…';
  const budget = maxBytes - Buffer.byteLength(marker, 'utf8');
  let cut = '';
  let bytes = 0;
  for (const char of text) {
    bytes += Buffer.byteLength(char, 'utf8');
    if (bytes > budget) break;
    cut += char;
  }
  return cut + marker;
}
