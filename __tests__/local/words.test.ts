/**
 * The local command says what the shared layers report in its own words: Claude hears it runs in a terminal, and a
 * set-up problem names the flag, never an input.
 */
import { describe, expect, it } from 'vitest';
import { FAKE_CLAUDE, fakeClaude, gate, makeRepo } from '../helpers/action-runner.js';
import { runLocal } from '../helpers/local-command.js';

describe('autonomous-loop speaks its own words', () => {
  it("tells Claude it runs in a terminal on a developer's machine", async () => {
    const repo = makeRepo();
    const claude = fakeClaude([[{ append: 'notes.md' }, { text: gate(true, 'done') }, { result: {} }]]);
    const run = await runLocal(['--prompt', 'Write notes', '--claude-path', FAKE_CLAUDE], {
      cwd: repo.dir,
      env: claude.env,
    });
    expect(run.code, run.stderr).toBe(0);
    const [call] = claude.calls();
    const prompt = call.args[call.args.indexOf('--append-system-prompt') + 1];
    expect(prompt).toMatch(
      /^You are running unattended inside an automated loop \(a terminal on a developer's machine\)/,
    );
    expect(prompt).not.toContain('GitHub Actions');
  });

  it('names --claude-path, not an input, when it is no executable', async () => {
    const repo = makeRepo();
    const run = await runLocal(['--prompt', 'p', '--claude-path', 'no-such-claude'], { cwd: repo.dir });
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toContain('--claude-path is "no-such-claude", but ');
    expect(run.stdout + run.stderr).not.toMatch(/\binput\b/i);
  });
});
