/**
 * vitest's global setup: every temporary directory of a test run goes under one fresh directory, removed when the run
 * ends. The tests, the built action they run and the CLIs it starts all take os.tmpdir() from TMPDIR, so nothing of a
 * run is left in the machine's /tmp (a run made about 500 directories there).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const root = mkdtempSync(path.join(os.tmpdir(), 'autonomous-loop-tests-'));
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true });
  };
}
