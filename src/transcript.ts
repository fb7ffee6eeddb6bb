/**
 * The JSONL transcript: every raw stream-json line of every iteration, with a marker line before each run of the CLI.
 * A transcript that cannot be written (a full disk, a missing RUNNER_TEMP) is given up with one warning: the loop
 * and its reports do not depend on it.
 */
import { createWriteStream, type WriteStream } from 'node:fs';

export class Transcript {
  readonly stream: WriteStream;
  private failed = false;

  constructor(
    readonly file: string,
    warn: (message: string) => void,
  ) {
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

  markRun(iteration: number, attempt: number): void {
    if (this.stream.errored) return;
    const marker = { type: 'autonomous_loop', iteration, attempt, started_at: new Date().toISOString() };
    this.stream.write(`${JSON.stringify(marker)}\n`);
  }

  close(): Promise<void> {
    if (this.stream.errored) return Promise.resolve();
    return new Promise((resolve) => this.stream.end(resolve));
  }
}
