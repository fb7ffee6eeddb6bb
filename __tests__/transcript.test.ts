/**
 * The transcript is written synchronously in batches: what reaches the file must be the stream as it came, with every
 * secret redacted however the chunks and the batches cut it, the run markers in their places, and a failure must
 * give one warning and no exception.
 */
import fc from 'fast-check';
import { lstatSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Transcript } from '../src/claude/transcript.js';
import { Secrets } from '../src/text/untrusted-text.js';

const KEY = `sk-ant-api03-${'k'.repeat(40)}`;
const TOKEN = `ghs_${'t'.repeat(36)}`;
const secrets = new Secrets([KEY, TOKEN]);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'transcript-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Cuts `bytes` at the given points (any order, duplicates allowed). */
function cut(bytes: Buffer, points: number[]): Buffer[] {
  const at = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const point of [...at, bytes.length]) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  return chunks;
}

const withoutMarkers = (text: string) =>
  text
    .split('\n')
    .filter((line) => !line.startsWith('{"type":"autonomous_loop"'))
    .join('\n');

describe('Transcript', () => {
  it('writes the stream as it came, secrets redacted wherever the chunks cut them', async () => {
    const piece = fc.oneof(fc.string(), fc.constantFrom(KEY, TOKEN, '\n', KEY.slice(0, 20), TOKEN.slice(-10)));
    await fc.assert(
      fc.asyncProperty(
        fc.array(piece, { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        async (parts, points) => {
          const text = parts.join('');
          const file = path.join(dir, `t-${Math.random()}.jsonl`);
          const transcript = new Transcript(file, secrets, () => expect.fail('no warning expected'));
          for (const chunk of cut(Buffer.from(text), points)) expect(transcript.write(chunk)).toBe(true);
          await transcript.close();
          // The same as the stream given in one piece: no cut changes what is redacted.
          const whole = secrets.streamRedactor();
          const expected = Buffer.concat([whole.push(Buffer.from(text)), whole.end()]).toString();
          const written = readFileSync(file, 'utf8');
          expect(written).toBe(expected);
          expect(written).not.toContain(KEY);
          expect(written).not.toContain(TOKEN);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('writes more than a batch whole and in order, with a marker before each run', async () => {
    const file = path.join(dir, 'big.jsonl');
    const transcript = new Transcript(file, secrets, () => expect.fail('no warning expected'));
    let expected = '';
    for (let run = 1; run <= 2; run++) {
      transcript.markRun(run, 1);
      // 3 MiB in 64 KiB chunks, a secret cut by every chunk boundary.
      const line = `{"type":"user","text":"${'x'.repeat(65_536 - 60)}${KEY}"}\n`;
      const stream = Buffer.from(line.repeat(48));
      for (let at = 0; at < stream.length; at += 65_536) transcript.write(stream.subarray(at, at + 65_536));
      expected += secrets.redact(line.repeat(48));
    }
    await transcript.close();
    const written = readFileSync(file, 'utf8');
    expect(written).not.toContain(KEY.slice(0, 12));
    expect(withoutMarkers(written)).toBe(expected);
    const markers = written.split('\n').filter((line) => line.startsWith('{"type":"autonomous_loop"'));
    expect(markers.map((line) => JSON.parse(line).iteration)).toEqual([1, 2]);
    expect(written.startsWith('{"type":"autonomous_loop"')).toBe(true);
  });

  it('ends a run that was cut inside a secret with *** before the next marker', async () => {
    const file = path.join(dir, 'cut.jsonl');
    const transcript = new Transcript(file, secrets, () => undefined);
    transcript.markRun(1, 1);
    transcript.write(Buffer.from(`{"a":"${KEY.slice(0, 30)}`));
    transcript.markRun(2, 1);
    await transcript.close();
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines[1]).toBe('{"a":"***{"type":"autonomous_loop","iteration":2,' + lines[1].split(',"iteration":2,')[1]);
  });

  it('gives up with one warning when the file cannot be written, and never throws', async () => {
    const warnings: string[] = [];
    const transcript = new Transcript(path.join(dir, 'missing', 'x.jsonl'), secrets, (w) => warnings.push(w));
    expect(transcript.path).toBe('');
    transcript.markRun(1, 1);
    expect(transcript.write(Buffer.alloc(1 << 20, 0x61))).toBe(true);
    let drained = false;
    transcript.onDrain(() => (drained = true));
    expect(drained).toBe(true);
    await transcript.close();
    expect(warnings).toEqual([expect.stringMatching(/^Could not write the transcript .*x\.jsonl: ENOENT/)]);
  });

  it('gives up with one warning when a write fails (a full disk)', async () => {
    const warnings: string[] = [];
    // Opened as it is: the transcript never opens a file that is already there.
    const transcript = new Transcript(
      '/dev/full',
      secrets,
      (w) => warnings.push(w),
      (file) => openSync(file, 'w'),
    );
    transcript.write(Buffer.alloc(1 << 20, 0x61));
    transcript.write(Buffer.alloc(1 << 20, 0x61));
    await transcript.close();
    expect(transcript.path).toBe('');
    expect(warnings).toEqual([expect.stringMatching(/^Could not write the transcript \/dev\/full: ENOSPC/)]);
  });

  it('is readable by this user alone', async () => {
    const file = path.join(dir, 'private.jsonl');
    const transcript = new Transcript(file, secrets, () => expect.fail('no warning expected'));
    transcript.write(Buffer.from('{"a":1}\n'));
    await transcript.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("gives up with one warning, writing nothing, where another user's file is already at its name", async () => {
    const file = path.join(dir, 'taken.jsonl');
    writeFileSync(file, 'theirs', { mode: 0o644 });
    const warnings: string[] = [];
    const transcript = new Transcript(file, secrets, (w) => warnings.push(w));
    transcript.write(Buffer.from('{"conversation":"private"}\n'));
    transcript.markRun(1, 1);
    await transcript.close();
    expect(transcript.path).toBe('');
    expect(readFileSync(file, 'utf8')).toBe('theirs');
    expect(warnings).toEqual([expect.stringMatching(/^Could not write the transcript .*taken\.jsonl: EEXIST/)]);
  });

  it('never follows a link planted at its name', async () => {
    const target = path.join(dir, 'target');
    writeFileSync(target, 'theirs');
    const file = path.join(dir, 'linked.jsonl');
    symlinkSync(target, file);
    const dangling = path.join(dir, 'dangling.jsonl');
    symlinkSync(path.join(dir, 'not-yet'), dangling);
    for (const name of [file, dangling]) {
      const warnings: string[] = [];
      const transcript = new Transcript(name, secrets, (w) => warnings.push(w));
      transcript.write(Buffer.from('{"conversation":"private"}\n'));
      await transcript.close();
      expect(transcript.path).toBe('');
      expect(warnings).toHaveLength(1);
      expect(lstatSync(name).isSymbolicLink()).toBe(true);
    }
    expect(readFileSync(target, 'utf8')).toBe('theirs');
    expect(() => statSync(path.join(dir, 'not-yet'))).toThrow(/ENOENT/);
  });
});
