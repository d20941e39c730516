import { EventSource } from 'eventsource';

export interface ReceivedFrame {
  readonly id: string;
  readonly type: string;
  readonly payload: Record<string, unknown>;
  readonly timestamp: string;
}

/** A frame without an event id, such as `{"type":"CONNECTED","message":...}` (it starts every stream). */
export interface ControlFrame {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** A real EventSource client that records every frame it receives: events in `frames`, id-less frames in `controls`. */
export class SseClient {
  readonly frames: ReceivedFrame[] = [];
  readonly controls: ControlFrame[] = [];
  private readonly source: EventSource;
  readonly opened: Promise<void>;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.source = new EventSource(url, {
      fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } }),
    });
    this.opened = new Promise((resolve, reject) => {
      this.source.onopen = () => resolve();
      this.source.onerror = (error) => reject(new Error(`SSE error: ${error.message ?? 'unknown'}`));
    });
    this.source.onmessage = (event) => {
      const parsed = JSON.parse(String(event.data)) as ReceivedFrame | ControlFrame;
      if (!('id' in parsed)) {
        this.controls.push(parsed);
        return;
      }
      const frame = parsed as ReceivedFrame;
      if (frame.id !== event.lastEventId) throw new Error(`frame id ${frame.id} differs from SSE id ${event.lastEventId}`);
      this.frames.push(frame);
    };
  }

  async waitFor(predicate: (frame: ReceivedFrame) => boolean, timeoutMs = 30000): Promise<ReceivedFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching SSE frame in ${timeoutMs} ms; got ${JSON.stringify(this.frames.map((f) => f.type))}`);
      await new Promise((done) => setTimeout(done, 50));
    }
  }

  close(): void {
    this.source.close();
  }
}
