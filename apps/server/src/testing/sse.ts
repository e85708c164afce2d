// Reads a server-sent event stream in tests: every event as it arrives, heartbeats counted,
// and `next()` to wait (with a deadline) for the next event that matches.

export interface SseEvent {
  event: string;
  id: string | undefined;
  // biome-ignore lint/suspicious/noExplicitAny: tests walk arbitrary JSON payloads
  data: any;
}

export class SseReader {
  readonly events: SseEvent[] = [];
  /** Comment lines seen (heartbeats). */
  comments = 0;
  /** The last id the stream set (what EventSource would send as Last-Event-ID). */
  lastId: string | undefined;
  /** Resolves when the stream ends, with the error if it broke. */
  readonly ended: Promise<unknown>;
  #taken = 0;
  #waiters: (() => void)[] = [];
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #done = false;

  constructor(readonly response: Response) {
    if (!response.body) throw new Error(`no body (status ${response.status})`);
    this.#reader = response.body.getReader();
    this.ended = this.#read().then(
      () => undefined,
      (error: unknown) => error,
    );
  }

  get done(): boolean {
    return this.#done;
  }

  /** The next event not yet taken that `match` accepts (earlier non-matching ones are skipped). */
  async next(match: (event: SseEvent) => boolean = () => true, timeoutMs = 5_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.#taken < this.events.length) {
        const event = this.events[this.#taken++]!;
        if (match(event)) return event;
      }
      if (this.#done) throw new Error(`stream ended; got ${JSON.stringify(this.events)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching event in ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits until the stream ends. */
  async closed(timeoutMs = 5_000): Promise<unknown> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`stream still open after ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.ended, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
  }

  async #read(): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = "";
    let block: { event?: string; id?: string; data: string[] } = { data: [] };
    try {
      for (;;) {
        const { done, value } = await this.#reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let newline = buffer.indexOf("\n");
        while (newline >= 0) {
          const line = buffer.slice(0, newline).replace(/\r$/, "");
          buffer = buffer.slice(newline + 1);
          newline = buffer.indexOf("\n");
          if (line === "") {
            if (block.id !== undefined) this.lastId = block.id;
            if (block.data.length > 0) {
              const text = block.data.join("\n");
              this.events.push({
                event: block.event ?? "message",
                id: block.id,
                data: text.startsWith("{") ? JSON.parse(text) : text,
              });
              this.#wake();
            }
            block = { data: [] };
          } else if (line.startsWith(":")) {
            this.comments += 1;
          } else {
            const colon = line.indexOf(":");
            const name = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
            if (name === "event") block.event = value;
            else if (name === "id") block.id = value;
            else if (name === "data") block.data.push(value);
          }
        }
      }
    } finally {
      this.#done = true;
      this.#wake();
    }
  }

  #wake() {
    for (const wake of this.#waiters.splice(0)) wake();
  }
}
