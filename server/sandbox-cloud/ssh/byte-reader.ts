import type { Readable, Writable } from 'node:stream';

/** Pull-style reads over a channel's incoming bytes (scp and the interactive shell are dialogues). */
export class ByteReader {
  private chunks: Buffer[] = [];
  private length = 0;
  private ended = false;
  private wake?: () => void;

  constructor(stream: Readable) {
    stream.on('data', (data: Buffer) => {
      this.chunks.push(data);
      this.length += data.length;
      this.notify();
    });
    const end = () => {
      this.ended = true;
      this.notify();
    };
    stream.once('end', end);
    stream.once('close', end);
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async waitFor(predicate: () => boolean): Promise<boolean> {
    while (!predicate()) {
      if (this.ended) return false;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    return true;
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.length);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.length = rest.length;
    return out;
  }

  /** Exactly n bytes, or null if the stream ends first. */
  async read(n: number): Promise<Buffer | null> {
    if (n === 0) return Buffer.alloc(0);
    return (await this.waitFor(() => this.length >= n)) ? Buffer.from(this.take(n)) : null;
  }

  async readByte(): Promise<number | null> {
    const b = await this.read(1);
    return b ? b[0]! : null;
  }

  /** A line without its '\n', or null at the end of the stream. */
  async readLine(max = 64 * 1024): Promise<string | null> {
    const found = await this.waitFor(() => this.indexOfNewline() !== -1 || this.length > max);
    const idx = this.indexOfNewline();
    if (!found || idx === -1) return null;
    return this.take(idx + 1).subarray(0, idx).toString('utf8');
  }

  private indexOfNewline(): number {
    let offset = 0;
    for (const chunk of this.chunks) {
      const i = chunk.indexOf(0x0a);
      if (i !== -1) return offset + i;
      offset += chunk.length;
    }
    return -1;
  }

  /** Everything until the end of the stream. */
  async readAll(): Promise<Buffer> {
    await this.waitFor(() => false);
    return this.take(this.length);
  }

  get isEnded(): boolean {
    return this.ended && this.length === 0;
  }
}

/** Writes with back-pressure, so large scp downloads do not pile up in memory. */
export function writeAll(stream: Writable, data: Buffer | string): Promise<void> {
  return new Promise((resolve) => {
    if (stream.write(data)) resolve();
    else {
      const done = () => {
        stream.off('close', done);
        stream.off('drain', done);
        resolve();
      };
      stream.once('drain', done);
      stream.once('close', done);
    }
  });
}
