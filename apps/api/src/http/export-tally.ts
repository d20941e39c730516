import { parseConversations } from '@app/queue-contracts';
import { type ApiException } from './api.exception';
import {
  invalidConversations,
  MAX_CONVERSATIONS_PER_EXPORT,
  repeatedConversations,
  repeatedIds,
  tooManyConversations,
  withDerivedId,
} from './chat-export-body';
import { RepeatedIds } from './duplicate-ids';

/** How many shape problems a 400 lists (as parseConversations does for a whole export). */
const SHOWN = 20;
const MORE = /^\.\.\.and (\d+) more problems$/;

/**
 * checkChatExport, one conversation at a time: the same checks, refusals and
 * precedence (count, ids repeated as sent, conversations repeated under derived
 * ids, shape), decided when the export ends. Holds the ids seen, never the conversations.
 */
export class ExportTally {
  private count = 0;
  private derived = 0;
  private readonly sentIds = new RepeatedIds();
  private readonly allIds = new RepeatedIds();
  private readonly shape: string[] = [];
  private hiddenShape = 0;

  /** Whether the export is already known to be refused: nothing more of it needs storing. */
  get refused(): boolean {
    return this.count > MAX_CONVERSATIONS_PER_EXPORT || this.sentIds.found || this.allIds.found || this.shape.length > 0;
  }

  get conversations(): number {
    return this.count;
  }

  /** Checks the conversation at `index`; returns what to store for it: its own bytes, or it with its derived id. */
  add(bytes: Buffer, value: unknown, index: number): { bytes: Buffer; conversation: Record<string, unknown> } {
    this.count++;
    const derived = this.count > MAX_CONVERSATIONS_PER_EXPORT ? undefined : withDerivedId(value);
    const conversation = derived ?? (value as Record<string, unknown>);
    if (this.count > MAX_CONVERSATIONS_PER_EXPORT) return { bytes, conversation };
    this.sentIds.see(value, index);
    this.allIds.see(conversation, index);
    if (derived) this.derived++;
    const parsed = parseConversations([conversation]);
    if (!parsed.ok) this.addShapeProblems(parsed.problems, index);
    return { bytes: derived ? Buffer.from(JSON.stringify(derived)) : bytes, conversation };
  }

  /** At the end of the export: its refusal, or undefined when it is a valid export. */
  verdict(): ApiException | undefined {
    if (this.count > MAX_CONVERSATIONS_PER_EXPORT) return tooManyConversations(this.count);
    if (this.sentIds.found) return repeatedIds(this.sentIds.problems());
    if (this.derived > 0 && this.allIds.found) return repeatedConversations(this.allIds.problems());
    if (this.count === 0) return invalidConversations(['no conversations: the array is empty']);
    if (this.shape.length > 0) return invalidConversations(this.hiddenShape > 0 ? [...this.shape, `...and ${this.hiddenShape} more problems`] : this.shape);
    return undefined;
  }

  /** parseConversations named the conversation `[0]`: it was checked alone. */
  private addShapeProblems(problems: readonly string[], index: number): void {
    for (const problem of problems) {
      const more = MORE.exec(problem);
      if (more) this.hiddenShape += Number(more[1]);
      else if (this.shape.length < SHOWN) this.shape.push(problem.replace(/^\[0\]/, `[${index}]`));
      else this.hiddenShape++;
    }
  }
}
