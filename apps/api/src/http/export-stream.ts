import { HttpStatus } from '@nestjs/common';
import { ApiException } from './api.exception';
import { notAnArray } from './chat-export-body';
import { ElementTooLarge, ExportSplitter, NotAnArray, SplitError, Suspended } from './export-splitter';
import { ExportTally } from './export-tally';
import { GATE_MESSAGES, JSON_BODY_LIMIT_BYTES, parseJsonBytes } from './json-body';

/**
 * Largest single conversation: one is held in memory at a time. ChatGPT's
 * longest conversations are a few MiB; this leaves room and keeps memory bounded.
 */
export const MAX_CONVERSATION_BYTES = 32 * 1024 * 1024;

/** Bytes to store in order; `conversation` is set on the piece that holds one (its value, with its derived id if it got one). */
export interface ExportPiece {
  readonly bytes: Buffer;
  readonly conversation?: Record<string, unknown>;
}

/**
 * A ChatGPT export checked as it streams in: the JSON gate on each
 * conversation and between them, then checkChatExport's checks, one
 * conversation at a time. Yields what to store: the bytes as sent, except a
 * conversation that came without an id, which is written anew with its derived
 * id. Once the export is known to be refused nothing more is yielded; the
 * refusal (the same codes as the whole-body gate and checkChatExport, a
 * syntax problem naming its byte and conversation) is thrown at the latest
 * when the body ends, so a consumer must not keep what it got before.
 */
export async function* checkedExport(chunks: AsyncIterable<Buffer>, maxConversationBytes = MAX_CONVERSATION_BYTES): AsyncGenerator<ExportPiece> {
  const tally = new ExportTally();
  let pieces: ExportPiece[] = [];
  const splitter = new ExportSplitter(
    {
      between: (bytes) => {
        if (!tally.refused && bytes.length > 0) pieces.push({ bytes });
      },
      element: (bytes, value, index) => {
        const piece = tally.add(bytes, value, index);
        if (!tally.refused) pieces.push(piece);
      },
    },
    maxConversationBytes,
  );
  const iterator = chunks[Symbol.asyncIterator]();
  /** The body up to its first value (only whitespace before it), for a body that is no array. */
  const lead: Buffer[] = [];
  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      if (!splitter.started) lead.push(next.value);
      try {
        splitter.push(next.value);
      } catch (error) {
        // The body is refused; which code it gets depends on the next bytes.
        if (error instanceof Suspended) continue;
        throw error;
      }
      yield* pieces;
      pieces = [];
    }
    splitter.end();
  } catch (error) {
    if (error instanceof NotAnArray) throw await notAnArrayOrGate(lead, iterator);
    if (error instanceof SplitError) throw gateRefusal(error);
    if (error instanceof ElementTooLarge) {
      const message = `Conversation [${error.element}] (starting ${error.where}) is larger than ${maxConversationBytes} bytes, the most one conversation may hold`;
      throw new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, 'CONVERSATION_TOO_LARGE', message);
    }
    throw error;
  }
  const verdict = tally.verdict();
  if (verdict) throw verdict;
  yield* pieces;
}

/** The 400 of the JSON gate for a problem of the stream, naming its byte (line, column) and conversation. */
function gateRefusal(error: SplitError): ApiException {
  const { code, reason, element } = error.problem;
  const where = element === undefined ? error.where : `${error.where}, in conversation [${element}]`;
  return new ApiException(HttpStatus.BAD_REQUEST, code, `${GATE_MESSAGES[code]}: ${reason} ${where}`);
}

/**
 * A body that is some other JSON value: NOT_AN_ARRAY, unless it is not JSON
 * at all (then the gate's 400, as for a whole body). Only a small body is
 * read to tell; a larger one is not an export either way.
 */
async function notAnArrayOrGate(lead: Buffer[], rest: AsyncIterator<Buffer>): Promise<ApiException> {
  let size = lead.reduce((sum, chunk) => sum + chunk.length, 0);
  for (let next = await rest.next(); !next.done && size <= JSON_BODY_LIMIT_BYTES; next = await rest.next()) {
    lead.push(next.value);
    size += next.value.length;
  }
  if (size > JSON_BODY_LIMIT_BYTES) return notAnArray();
  try {
    parseJsonBytes(Buffer.concat(lead, size));
  } catch (error) {
    if (error instanceof ApiException) return error;
    throw error;
  }
  return notAnArray();
}
