/** One `id:`/`data:` frame as it appeared on the wire. */
export interface RawFrame {
  readonly id: string | undefined;
  readonly data: string;
}

/**
 * A plain fetch of an SSE route that keeps the raw text, so tests can see
 * comments (heartbeats), the retry hint and the exact frame layout.
 */
export class RawSseStream {
  text = '';
  private readonly abort = new AbortController();
  private reading: Promise<void> | undefined;

  private constructor(readonly response: Response) {}

  static async open(url: string, headers: Record<string, string> = {}): Promise<RawSseStream> {
    const abort = new AbortController();
    const response = await fetch(url, { headers: { Accept: 'text/event-stream', ...headers }, signal: abort.signal });
    const stream = new RawSseStream(response);
    stream.abort.signal.addEventListener('abort', () => abort.abort());
    if (response.ok && response.body) stream.reading = stream.pump(response.body);
    return stream;
  }

  /** Data frames (blocks with a `data:` line) received so far; comments and the retry hint are skipped. */
  get frames(): RawFrame[] {
    return this.text
      .split('\n\n')
      .slice(0, -1)
      .map((block) => block.split('\n'))
      .filter((lines) => lines.some((line) => line.startsWith('data: ')))
      .map((lines) => ({
        id: lines.find((line) => line.startsWith('id: '))?.slice(4),
        data: lines
          .filter((line) => line.startsWith('data: '))
          .map((line) => line.slice(6))
          .join('\n'),
      }));
  }

  async waitFor(predicate: (stream: RawSseStream) => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      if (Date.now() > deadline) throw new Error(`SSE condition not met in ${timeoutMs} ms; received ${JSON.stringify(this.text)}`);
      await new Promise((done) => setTimeout(done, 25));
    }
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.reading;
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    const reader = body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        this.text += decoder.decode(value, { stream: true });
      }
    } catch {
      // aborted by close()
    }
  }
}
