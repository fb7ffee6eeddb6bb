/**
 * `src/actions/workflow-commands.ts` stands in for `@actions/core`: each function must write exactly what the toolkit's
 * writes, to stdout and to the runner's files, for the awkward values too (newlines, `%`, `::`, empty values).
 */
import * as core from '@actions/core';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as commands from '../src/actions/workflow-commands.js';

type Api = typeof commands;

const AWKWARD = ['plain', '', 'two\nlines\r\n', '100% done: a, b', '::warning::forged', '  padded  ', 'ünïcødé ✓'];

let dir: string;
let saved: NodeJS.ProcessEnv;
let savedExitCode: typeof process.exitCode;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'workflow-commands-'));
  saved = { ...process.env };
  savedExitCode = process.exitCode;
});
afterEach(() => {
  process.env = saved;
  process.exitCode = savedExitCode;
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

/** What `act` writes to stdout, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY, with the random delimiters made equal. */
async function writes(api: Api, act: (api: Api) => unknown, env: Record<string, string | undefined> = {}) {
  const output = path.join(dir, `output-${Math.random()}`);
  const summary = path.join(dir, `summary-${Math.random()}`);
  writeFileSync(output, '');
  writeFileSync(summary, 'before\n');
  process.env.GITHUB_OUTPUT = output;
  process.env.GITHUB_STEP_SUMMARY = summary;
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  let stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  process.exitCode = undefined;
  let thrown: string | undefined;
  try {
    await act(api);
  } catch (error) {
    thrown = (error as Error).message.replace(dir, '<dir>');
  } finally {
    vi.restoreAllMocks();
  }
  const normal = (text: string) => text.replace(/ghadelimiter_[0-9a-f-]+/g, 'ghadelimiter_X');
  const read = (file: string) => {
    try {
      return normal(readFileSync(file, 'utf8'));
    } catch {
      return undefined;
    }
  };
  return { stdout: normal(stdout), output: read(output), summary: read(summary), exitCode: process.exitCode, thrown };
}

async function expectSame(act: (api: Api) => unknown, env?: Record<string, string | undefined>) {
  const ours = await writes(commands, act, env);
  const theirs = await writes(core as unknown as Api, act, env);
  expect(ours).toEqual(theirs);
}

describe('workflow commands, as @actions/core writes them', () => {
  it('annotations, groups and failure', async () => {
    for (const text of AWKWARD) {
      await expectSame((api) => api.warning(text));
      await expectSame((api) => api.setFailed(text));
      await expectSame((api) => {
        api.startGroup(text);
        api.endGroup();
      });
      await expectSame((api) => api.setSecret(text));
    }
  });

  it('outputs, through GITHUB_OUTPUT and without it', async () => {
    for (const text of AWKWARD) {
      await expectSame((api) => api.setOutput('status', text));
      await expectSame((api) => api.setOutput('status', text), { GITHUB_OUTPUT: undefined });
    }
    await expectSame((api) => api.setOutput('status', 'x'), { GITHUB_OUTPUT: path.join(dir, 'missing') });
  });

  it('inputs', async () => {
    const env = { 'INPUT_MAX-ITERATIONS': '  7 \n', INPUT_WITH_SPACE: 'x', INPUT_EMPTY: '' };
    for (const [name, options] of [
      ['max-iterations', undefined],
      ['Max-Iterations', { trimWhitespace: false }],
      ['with space', undefined],
      ['empty', { required: true }],
      ['missing', undefined],
    ] as const) {
      await expectSame(async (api) => {
        process.stdout.write(`[${api.getInput(name, options)}]`);
      }, env);
    }
  });

  it('the job summary', async () => {
    // @actions/core keeps the summary file it found first, so it is compared once; the rest is checked as it is.
    await expectSame((api) => api.summary.addRaw('# Done\n<b>x</b>', true).write({ overwrite: false }));
    expect((await writes(commands, (api) => api.summary.addRaw('new').write({ overwrite: true }))).summary).toBe('new');
    expect(
      (await writes(commands, (api) => api.summary.addRaw('x').write(), { GITHUB_STEP_SUMMARY: undefined })).thrown,
    ).toBe(
      'Unable to find environment variable for $GITHUB_STEP_SUMMARY. Check if your runtime environment supports job summaries.',
    );
    const missing = path.join(dir, 'nope', 'x');
    expect(
      (await writes(commands, (api) => api.summary.addRaw('x').write(), { GITHUB_STEP_SUMMARY: missing })).thrown,
    ).toBe("Unable to access summary file: '<dir>/nope/x'. Check if the file has correct read/write permissions.");
  });
});
