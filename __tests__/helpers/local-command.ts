/** Runs the built local command (`node dist/local/index.js`) as a user would, in a given directory. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './action-runner.js';

export const LOCAL_BUNDLE = path.join(ROOT, 'dist', 'local', 'index.js');

export interface LocalRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runLocal(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; onStart?: (child: ChildProcess) => void },
): Promise<LocalRun> {
  // Not the test's own credentials or CI variables: the command sees what a user's shell would give it.
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env };
  const child = spawn(process.execPath, [LOCAL_BUNDLE, ...args], { cwd: options.cwd, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  options.onStart?.(child);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
