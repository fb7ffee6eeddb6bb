/**
 * The action's log, annotations and outputs as `@actions/core` writes them, against forged commands in untrusted
 * text: the runner must read only the action's own commands on stdout, and only the action's outputs in GITHUB_OUTPUT.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { actionLog, failStep } from '../src/actions/action-log.js';
import { StepReport } from '../src/actions/step-report.js';
import { LogDoor, Secrets } from '../src/text/untrusted-text.js';
import { parseOutputFile, runnerCommands } from './helpers/action-runner.js';

const SECRET = 'sk-ant-api03-Qz7Xw2Lm9Rt4Vp8Ys1Kd3Nf6Hj0Bc5Ga';
/** What Claude or a tool might print to take over the runner: masks, annotations, outputs, groups, a new line. */
const FORGED = [
  'plain',
  '::add-mask::innocent',
  '  ::error title=Deploy failed::forged',
  'see ##[add-mask]innocent',
  '::set-output name=status::completed',
  '::endgroup::',
  'progress 50%\r::warning::after a carriage return',
  '100%0A::error::already escaped',
].join('\n');

let dir: string;
let saved: NodeJS.ProcessEnv;
let savedExitCode: typeof process.exitCode;
let stdout: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'action-output-'));
  saved = { ...process.env };
  savedExitCode = process.exitCode;
  stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  process.env = saved;
  process.exitCode = savedExitCode;
  rmSync(dir, { recursive: true, force: true });
});

/** A command's data as the runner reads it back (`@actions/core` escapes %, CR and LF). */
const unescape = (data: string) => data.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');

function setUp() {
  const secrets = new Secrets([SECRET]);
  const door = new LogDoor(secrets, (text) => process.stdout.write(text));
  return { secrets, door, log: actionLog(door, secrets) };
}

describe('the log', () => {
  it('gives the runner only the action’s own commands, each with its whole text', () => {
    const { door, log } = setUp();
    log.startGroup(`Iteration 1\n${FORGED}`);
    log.text(`Claude says:\n${FORGED}`);
    log.warning(`The check failed: ${FORGED}\nkey ${SECRET}`);
    log.endGroup();
    failStep(door, `The loop ended: ${FORGED}`);
    door.closeWindow();

    const commands = runnerCommands(stdout);
    expect(commands.map((command) => command.name)).toEqual(['group', 'warning', 'endgroup', 'error']);
    expect(unescape(commands[0].data)).toBe(`Iteration 1\n${FORGED}`);
    expect(unescape(commands[1].data)).toBe(`The check failed: ${FORGED}\nkey ***`);
    expect(unescape(commands[3].data)).toBe(`The loop ended: ${FORGED}`);
    expect(process.exitCode).toBe(1);
    // The text is in the log as Claude wrote it, inside a stop-commands window that is closed again.
    expect(stdout).toContain(`Claude says:\n${FORGED}\n`);
    expect(stdout).not.toContain(SECRET);
  });

  it('closes a group it opened, and only that', () => {
    const { log } = setUp();
    log.endGroup();
    log.startGroup('one');
    log.startGroup('two');
    log.endGroup();
    log.endGroup();
    expect(runnerCommands(stdout)).toEqual([
      { name: 'group', data: 'one' },
      { name: 'endgroup', data: '' },
      { name: 'group', data: 'two' },
      { name: 'endgroup', data: '' },
    ]);
  });
});

describe('the outputs', () => {
  const outputs = {
    status: 'failed',
    reason: `${FORGED}\nstatus<<EOF\ncompleted\nEOF\nstatus=completed`,
    blockers: JSON.stringify([FORGED]),
    empty: '',
  };

  it('reach GITHUB_OUTPUT as exactly the values given, whatever lines a value holds', () => {
    const file = path.join(dir, 'output');
    // An earlier tool's write without a final newline.
    writeFileSync(file, 'earlier=1');
    process.env.GITHUB_OUTPUT = file;
    const step = new StepReport({ text: () => undefined, warning: () => undefined });
    step.setOutputs(outputs);
    step.setOutputs({ ...outputs, status: 'completed' });
    const written = readFileSync(file, 'utf8');
    expect(parseOutputFile(written)).toEqual({ earlier: '1', ...outputs, status: 'completed' });
    // The second call wrote only what changed.
    expect(written.match(/^reason<</gm)).toHaveLength(1);
    expect(stdout).toBe('');
  });

  it('are commands with their text escaped when there is no GITHUB_OUTPUT (a local run)', () => {
    delete process.env.GITHUB_OUTPUT;
    new StepReport({ text: () => undefined, warning: () => undefined }).setOutputs(outputs);
    expect(runnerCommands(stdout).map((command) => command.name)).toEqual(Object.keys(outputs).map(() => 'set-output'));
    const set = [...stdout.matchAll(/^::set-output name=([^:]*)::(.*)$/gm)].map(([, name, data]) => [
      name,
      unescape(data),
    ]);
    expect(Object.fromEntries(set)).toEqual(outputs);
  });
});
