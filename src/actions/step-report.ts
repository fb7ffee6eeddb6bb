/**
 * The step's outputs and job summary: written as soon as the loop has ended, before any GitHub request, and written
 * again once the and the status comment's addresses are known. The runner reads both files when the step
 * ends, also after a cancellation killed it (it processes file commands in a `finally`); for an output set twice it
 * keeps the last value; and it creates the summary file empty for each step, so the action may rewrite its own part.
 */
import { appendFileSync, closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { EOL } from 'node:os';
import { setOutput } from '@actions/core';
import type { Log } from '../core/log.js';

export type StepReportLog = Pick<Log, 'text' | 'warning'>;

export class StepReport {
  /** The outputs as last written: a later write repeats only those that changed. */
  private readonly written = new Map<string, string>();
  /** Where the action's summary starts in the summary file; undefined until it is first written. */
  private summaryStart: number | undefined;
  private summary: string | undefined;

  constructor(private readonly log: StepReportLog) {}

  /** Sets every output that is new or has changed since the last call. */
  setOutputs(outputs: Record<string, string>): void {
    // A tool may have appended to the file without a final newline: ours must not be glued onto its line.
    endWithNewline(process.env.GITHUB_OUTPUT);
    for (const [name, value] of Object.entries(outputs)) {
      if (this.written.get(name) === value) continue;
      setOutput(name, value);
      this.written.set(name, value);
    }
  }

  /**
   * Writes the job summary; a later call replaces what the earlier one wrote, and keeps what was in the file before
   * it (a tool's lines). The new text is written over the old in place and the file then cut at its end, so that no
   * moment leaves the file without a summary. Without a summary file (a local run) it is logged, once.
   */
  writeSummary(text: string): void {
    const file = process.env.GITHUB_STEP_SUMMARY;
    if (text === this.summary) return;
    const first = this.summary === undefined;
    this.summary = text;
    if (!file) {
      if (first) this.log.text(text);
      return;
    }
    const data = Buffer.from(text + EOL, 'utf8');
    let fd: number | undefined;
    try {
      if (this.summaryStart === undefined) endWithNewline(file);
      fd = openSync(file, 'r+');
      const start = this.summaryStart ?? fstatSync(fd).size;
      writeSync(fd, data, 0, data.length, start);
      ftruncateSync(fd, start + data.length);
      this.summaryStart = start;
    } catch (error) {
      this.log.warning(`Could not write the job summary: ${(error as Error).message}`);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
}

/** Appends a newline to a file that is not empty and does not end with one. */
function endWithNewline(file: string | undefined): void {
  if (!file) return;
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    if (size === 0) return;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    if (last[0] !== 0x0a) appendFileSync(file, '\n');
  } catch {
    // A missing file is reported by the write that needs it.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
