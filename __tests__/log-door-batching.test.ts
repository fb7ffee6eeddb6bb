/**
 * LogDoor writes the lines of one turn of the event loop together. The log must read the same as with a write per
 * line: every line, in order, inside a window, and the window closed (after the text) before any command of the
 * action's own.
 */
import { describe, expect, it } from 'vitest';
import { LogDoor, Secrets } from '../src/text/untrusted-text.js';
import { runnerCommands } from './helpers/action-runner.js';

const KEY = `sk-ant-api03-${'k'.repeat(40)}`;
const secrets = new Secrets([KEY]);
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

function door() {
  const writes: string[] = [];
  return {
    writes,
    door: new LogDoor(
      secrets,
      (text) => writes.push(text),
      () => 'token',
    ),
  };
}

describe('LogDoor batching', () => {
  it('writes the lines of one turn in one write, once the turn is over', async () => {
    const { writes, door: log } = door();
    log.text('::one');
    log.text(`two ${KEY}`);
    log.text('three\n::error::forged');
    expect(writes).toEqual(['::stop-commands::token\n']);
    await nextTurn();
    expect(writes).toEqual(['::stop-commands::token\n', '::one\ntwo ***\nthree\n::error::forged\n']);
    log.text('four');
    await nextTurn();
    expect(writes.slice(2)).toEqual(['four\n']);
  });

  it('writes what is waiting before it closes the window, so commands after it stay after the text', async () => {
    const { writes, door: log } = door();
    log.text('before the group ::');
    log.closeWindow();
    writes.push('::group::Iteration 1\n');
    log.text('inside ::');
    const warning = log.annotation('a warning');
    writes.push(`::warning::${warning}\n`);
    await nextTurn();
    const out = writes.join('');
    expect(out).toBe(
      '::stop-commands::token\nbefore the group ::\n::token::\n::group::Iteration 1\n' +
        '::stop-commands::token\ninside ::\n::token::\n::warning::a warning\n',
    );
    expect(runnerCommands(out).map((command) => command.name)).toEqual(['group', 'warning']);
  });

  it('writes waiting plain text before the action writes a command, also without a window', () => {
    const { writes, door: log } = door();
    log.text('plain before the group');
    log.closeWindow();
    writes.push('::group::Iteration 2\n');
    expect(writes.join('')).toBe('plain before the group\n::group::Iteration 2\n');
  });

  it('does not hold much: a long turn is written as it goes', () => {
    const { writes, door: log } = door();
    for (let i = 0; i < 200; i++) log.text('x'.repeat(1000));
    expect(writes.length).toBeGreaterThan(2);
    expect(writes.slice(1).every((text) => text.length <= 64 * 1024 + 1001)).toBe(true);
  });
});
