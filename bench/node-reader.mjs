#!/usr/bin/env node
/**
 * Two floors for the transcript path between `cat` and the action, for the benchmarks. Both read stream-json on
 * stdin and keep it in a file, as the action reads the CLI's pipe:
 *
 *   node bench/node-reader.mjs FILE
 *       Node and nothing else: each chunk is written to FILE as it comes. What any action written for Node pays
 *       for reading a pipe into a file, above `cat`.
 *
 *   BENCH_CORE_DIR=dir node bench/node-reader.mjs FILE
 *       The action's own per-byte work, and only that: its modules from `src/` (transpiled into `dir` by
 *       bench/run.mjs) wired as `claude-process.ts` and `runner.ts` wire them, without the process, the loop, the
 *       fingerprints or the reports. The transcript (secrets redacted, batched writes), the line splitter, the
 *       stream parser (with its quiet-line fast path and the gate), and the live log (formatted, redacted, written
 *       through the log door to stdout). Exits 1 if the stream did not end with a result line and an open gate,
 *       so a broken build cannot post good numbers.
 *
 * Environment: BENCH_SECRETS, the secrets to redact, separated by newlines (the action's API key and token).
 */
import { openSync, writeSync, closeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const file = process.argv[2];
const coreDir = process.env.BENCH_CORE_DIR;

if (!coreDir) {
  const fd = openSync(file, 'w');
  process.stdin.on('data', (chunk) => writeSync(fd, chunk));
  process.stdin.on('end', () => closeSync(fd));
} else {
  const load = (name) => import(pathToFileURL(`${coreDir}/${name}.js`).href);
  const [{ Transcript }, { LineSplitter }, { StreamState }, { formatEvent }, { Secrets, LogDoor }] = await Promise.all(
    ['claude/transcript', 'claude/line-splitter', 'claude/stream-json', 'claude/live-log', 'text/untrusted-text'].map(
      load,
    ),
  );
  const secrets = new Secrets((process.env.BENCH_SECRETS ?? '').split('\n'));
  const door = new LogDoor(secrets, (text) => process.stdout.write(text));
  const transcript = new Transcript(file, secrets, (warning) => {
    process.stderr.write(`${warning}\n`);
    process.exitCode = 1;
  });
  transcript.markRun(1, 1);
  const stream = new StreamState();
  const splitter = new LineSplitter((line) => {
    for (const event of stream.consumeBytes(line)) {
      const text = formatEvent(event);
      if (text !== undefined) door.text(text);
    }
  });
  process.stdin.on('data', (chunk) => {
    transcript.write(chunk);
    splitter.push(chunk);
  });
  process.stdin.on('end', async () => {
    splitter.end();
    door.closeWindow();
    await transcript.close();
    if (stream.result === undefined || stream.lastGate?.ready !== true) {
      process.stderr.write(`The stream did not end with a result line and an open gate (${stream.lines} lines).\n`);
      process.exitCode = 1;
    }
  });
}
