/**
 * The JSONL transcript: every raw stream-json line of every iteration, with a marker line before each run of the CLI,
 * and every secret the host holds replaced by `***` (users upload it as an artifact, where nothing is masked). One
 * that cannot be written (a full disk, a missing temporary directory) is given up with one warning.
 */
import { closeSync, openSync, writeSync, writevSync } from 'node:fs';
import type { Secrets, StreamRedactor } from '../text/untrusted-text.js';

/** What a run of the CLI writes its stdout to. */
export interface TranscriptSink {
  /** Appends a chunk; false when the writer should wait for `onDrain` before the next one. */
  write(chunk: Buffer): boolean;
  /** Calls back once the sink takes more again, or once it has failed (it then takes nothing more). */
  onDrain(callback: () => void): void;
}

/** Chunks are collected up to this size and written with one system call (a pipe read is at most 64 KiB). */
const BATCH_BYTES = 512 * 1024;

/**
 * Written synchronously, in batches. A file stream writes through the thread pool and signals back-pressure after
 * 16 KiB, so reading the CLI's pipe would stop at every 64 KiB chunk until the disk write was done: reading and
 * writing would take turns. A write into the page cache takes well under a millisecond per batch, so doing it on the
 * main thread costs less than the turn-taking, and memory stays bounded by one batch.
 */
export class Transcript implements TranscriptSink {
  private readonly redactor: StreamRedactor;
  private fd: number | undefined;
  private batch: Buffer[] = [];
  private batchBytes = 0;
  private failed = false;

  constructor(
    readonly file: string,
    secrets: Secrets,
    private readonly warning: (message: string) => void,
    /** How the file is opened (tests open a full device as it is). */
    openFile: (file: string) => number = createPrivate,
  ) {
    this.redactor = secrets.streamRedactor();
    try {
      this.fd = openFile(file);
    } catch (error) {
      this.fail(error);
    }
  }

  /** The file, or '' once writing it failed: never name a file that does not hold the transcript. */
  get path(): string {
    return this.failed ? '' : this.file;
  }

  /** Never asks the reader to wait: a batch is written before this returns. */
  write(chunk: Buffer): boolean {
    if (this.failed) return true;
    this.append(this.redactor.push(chunk));
    if (this.batchBytes >= BATCH_BYTES) this.flush();
    return true;
  }

  onDrain(callback: () => void): void {
    callback();
  }

  markRun(iteration: number, attempt: number): void {
    this.append(this.redactor.end());
    const marker = { type: 'autonomous_loop', iteration, attempt, started_at: new Date().toISOString() };
    this.append(Buffer.from(`${JSON.stringify(marker)}\n`));
    this.flush();
  }

  close(): Promise<void> {
    this.append(this.redactor.end());
    this.flush();
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch (error) {
        this.fail(error);
      }
      this.fd = undefined;
    }
    return Promise.resolve();
  }

  private append(bytes: Buffer): void {
    if (bytes.length === 0 || this.failed) return;
    this.batch.push(bytes);
    this.batchBytes += bytes.length;
  }

  private flush(): void {
    const batch = this.batch;
    this.batch = [];
    this.batchBytes = 0;
    if (this.failed || this.fd === undefined || batch.length === 0) return;
    try {
      if (batch.length === 1) writeAll(this.fd, batch[0]);
      else writeAllv(this.fd, batch);
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    if (!this.failed) this.warning(`Could not write the transcript ${this.file}: ${(error as Error).message}`);
    this.failed = true;
    this.batch = [];
    this.batchBytes = 0;
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // Already reported.
      }
      this.fd = undefined;
    }
  }
}

/**
 * Readable by this user alone, and never a file or a link already there: in a shared temporary directory another user
 * may have taken the predictable name first. Then the transcript is given up.
 */
function createPrivate(file: string): number {
  return openSync(file, 'wx', 0o600);
}

/** A write to a regular file may be short (a disk filling up): write the rest, or throw trying. */
function writeAll(fd: number, bytes: Buffer): void {
  for (let done = 0; done < bytes.length;) {
    const written = writeSync(fd, bytes, done);
    if (written === 0) throw new Error('the disk took no more bytes');
    done += written;
  }
}

function writeAllv(fd: number, buffers: Buffer[]): void {
  const total = buffers.reduce((sum, buffer) => sum + buffer.length, 0);
  const written = writevSync(fd, buffers);
  // writev stops short only at the end of the space: the rest goes out one buffer at a time, where it throws.
  if (written < total) writeAll(fd, Buffer.concat(buffers).subarray(written));
}
