/**
 * The JSONL transcript: every raw stream-json line of every iteration, with a marker line before each run of the CLI,
 * and every secret the action holds replaced by `***` (users upload it as an artifact, where nothing is masked).
 * A transcript that cannot be written (a full disk, a missing RUNNER_TEMP) is given up with one warning: the loop
 * and its reports do not depend on it.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Secrets, StreamRedactor } from './untrusted-text.js';

/** What a run of the CLI writes its stdout to. */
export interface TranscriptSink {
  /** Appends a chunk; false when the writer should wait for `onDrain` before the next one. */
  write(chunk: Buffer): boolean;
  /** Calls back once the sink takes more again, or once it has failed (it then takes nothing more). */
  onDrain(callback: () => void): void;
}

export class Transcript implements TranscriptSink {
  private readonly stream: WriteStream;
  private readonly redactor: StreamRedactor;
  private failed = false;

  constructor(
    readonly file: string,
    secrets: Secrets,
    warn: (message: string) => void,
  ) {
    this.redactor = secrets.streamRedactor();
    this.stream = createWriteStream(file);
    this.stream.on('error', (error) => {
      if (!this.failed) warn(`Could not write the transcript ${file}: ${error.message}`);
      this.failed = true;
    });
  }

  /** The file, or '' once writing it failed: never name a file that does not hold the transcript. */
  get path(): string {
    return this.failed ? '' : this.file;
  }

  write(chunk: Buffer): boolean {
    if (this.failed || this.stream.errored) return true;
    const redacted = this.redactor.push(chunk);
    return redacted.length === 0 || this.stream.write(redacted);
  }

  onDrain(callback: () => void): void {
    if (this.failed || this.stream.errored) return callback();
    const done = (): void => {
      this.stream.off('drain', done);
      this.stream.off('error', done);
      callback();
    };
    this.stream.on('drain', done);
    this.stream.on('error', done);
  }

  markRun(iteration: number, attempt: number): void {
    this.flushHeldBack();
    if (this.stream.errored) return;
    const marker = { type: 'autonomous_loop', iteration, attempt, started_at: new Date().toISOString() };
    this.stream.write(`${JSON.stringify(marker)}\n`);
  }

  close(): Promise<void> {
    this.flushHeldBack();
    if (this.stream.errored) return Promise.resolve();
    return new Promise((resolve) => this.stream.end(resolve));
  }

  /** The end of the last run that could have been the start of a secret. */
  private flushHeldBack(): void {
    const rest = this.redactor.end();
    if (rest.length > 0 && !this.stream.errored) this.stream.write(rest);
  }
}
