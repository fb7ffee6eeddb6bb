/**
 * Splits a byte stream into lines without ever holding more than one line (up to a cap) in memory. A line longer
 * than the cap is dropped and counted, so one enormous tool result cannot exhaust memory; the raw bytes still reach
 * the transcript, which is written from the chunks, not from here.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private overflowing = false;
  droppedLines = 0;

  /**
   * @param onLine receives each line without its newline, as a view into the stream's chunks (or a fresh buffer for
   *   a line that spanned chunks): read it during the call, do not keep it. Empty lines and lone `\r`s are skipped.
   */
  constructor(
    private readonly onLine: (line: Buffer) => void,
    private readonly maxLineBytes = 64 * 1024 * 1024,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    let newline = chunk.indexOf(10, start);
    while (newline >= 0) {
      if (this.pendingBytes === 0 && !this.overflowing) {
        // The common case: a whole line inside one chunk, passed on as a view of it.
        if (newline - start <= this.maxLineBytes) this.emit(chunk.subarray(start, newline));
        else this.droppedLines += 1;
      } else {
        this.append(chunk.subarray(start, newline));
        this.flush();
      }
      start = newline + 1;
      newline = chunk.indexOf(10, start);
    }
    this.append(chunk.subarray(start));
  }

  /** Call when the stream ends: a last line without a newline still counts. */
  end(): void {
    this.flush();
  }

  private append(part: Buffer): void {
    if (this.overflowing) return;
    // Without this, the empty tail of every chunk that ends with a newline would stay in `pending`, keeping the chunk
    // alive, while the fast path goes on: memory only, the lines are the same.
    if (part.length === 0) return;
    if (this.pendingBytes + part.length > this.maxLineBytes) {
      this.overflowing = true;
      this.pending = [];
      this.pendingBytes = 0;
      return;
    }
    // Stream chunks are fresh buffers, never reused, so a view is enough.
    this.pending.push(part);
    this.pendingBytes += part.length;
  }

  private flush(): void {
    if (this.overflowing) {
      this.droppedLines += 1;
      this.overflowing = false;
      return;
    }
    const line = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.emit(line);
  }

  private emit(line: Buffer): void {
    if (line.length > 0 && !(line.length === 1 && line[0] === 13)) this.onLine(line);
  }
}
