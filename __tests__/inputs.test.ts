import { existsSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_CLAUDE_VERSION,
  DEFAULT_CONTINUATION_PROMPT,
  InputError,
  inputNamesFromEnv,
  MAX_DURATION_MINUTES,
  readInputs,
  type InputSource,
} from '../src/actions/inputs.js';

/** A directory of its own, removed when the file's tests are done (the suite also runs once per mutant). */
const scratchDirs: string[] = [];
function scratch(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

const base = scratch('inputs-test-');
writeFileSync(path.join(base, 'task.md'), 'Fix the build\n');
writeFileSync(path.join(base, 'empty.md'), '  \n');

function source(inputs: Record<string, string>, inputNames?: string[]): InputSource & { secrets: string[] } {
  const secrets: string[] = [];
  return {
    secrets,
    getInput: (name) => inputs[name] ?? '',
    setSecret: (value) => secrets.push(value),
    ...(inputNames && { inputNames: () => inputNames }),
  };
}

const read = (inputs: Record<string, string>) => readInputs(source(inputs), base);
/** With an API key, so that no credential warning is expected. */
const readKeyed = (inputs: Record<string, string>) => readInputs(source({ 'anthropic-api-key': 'k', ...inputs }), base);

describe('readInputs', () => {
  it('applies the documented defaults', () => {
    const config = readKeyed({ prompt: 'Do it' });
    expect(config).toMatchObject({
      prompt: 'Do it',
      continuationPrompt: DEFAULT_CONTINUATION_PROMPT,
      maxIterations: 10,
      hardLimit: 50,
      noChangeThreshold: 3,
      sameErrorThreshold: 5,
      maxBudgetUsd: undefined,
      iterationTimeoutMs: 30 * 60_000,
      apiRetries: 2,
      checkCommand: '',
      checkOn: 'ready',
      checkTimeoutMs: 10 * 60_000,
      model: '',
      claudePath: '',
      workingDirectory: base,
      permissionMode: 'bypassPermissions',
      claudeArgs: [],
      claudeVersion: DEFAULT_CLAUDE_VERSION,
      claudeFromPath: false,
      failOn: ['failed', 'timed_out'],
      openIssueOn: [],
      issueLabels: ['autonomous-loop'],
      statusIssue: undefined,
      maxTurns: undefined,
      allowedTools: [],
      disallowedTools: [],
      warnings: [],
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('asks Claude by default to go on and to end with a ready COMPLETION_GATE block', () => {
    expect(DEFAULT_CONTINUATION_PROMPT).toMatch(/^Continue working on the task\./);
    expect(DEFAULT_CONTINUATION_PROMPT).toContain('COMPLETION_GATE block with ready: true');
  });

  it('takes the inputs that need no checking as given', () => {
    const config = readKeyed({
      prompt: 'a',
      'continuation-prompt': 'Keep going.',
      'check-command': 'npm test',
      'check-on': 'every-iteration',
      'check-timeout-minutes': '2',
      model: 'opus',
      'claude-path': '/opt/claude/bin/claude',
    });
    expect(config).toMatchObject({
      continuationPrompt: 'Keep going.',
      checkCommand: 'npm test',
      checkOn: 'every-iteration',
      checkTimeoutMs: 2 * 60_000,
      model: 'opus',
      claudePath: '/opt/claude/bin/claude',
    });
  });

  it('throws an InputError, the error the action reports as a mistake in the workflow', () => {
    let thrown: unknown;
    try {
      read({});
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as Error).name).toBe('InputError');
    expect(String(thrown)).toMatch(/^InputError: Set one of the inputs 'prompt' and 'prompt-file'/);
  });

  it('reads the prompt from a file relative to the working directory', () => {
    expect(read({ 'prompt-file': 'task.md' }).prompt).toBe('Fix the build\n');
  });

  it('refuses a prompt file in the workspace that a link leads out of it, naming the input and where it leads', () => {
    const outside = scratch('prompt-outside-');
    writeFileSync(path.join(outside, 'secret.md'), 'not for the prompt\n');
    symlinkSync('/proc/self/environ', path.join(base, 'environ.md'));
    symlinkSync(outside, path.join(base, 'linked-dir'));
    for (const [given, real] of [
      ['environ.md', realpathSync('/proc/self/environ')],
      ['linked-dir/secret.md', path.join(realpathSync(outside), 'secret.md')],
    ]) {
      expect(() => read({ 'prompt-file': given })).toThrow(
        `Input 'prompt-file' is "${given}", but ${path.join(base, given)} leads out of the workspace through a link ` +
          `(${base}), to ${real}: a prompt file in the workspace must stay in it.`,
      );
    }
  });

  it('reads a prompt file through a link that stays in the workspace, and one the workflow names outside it', () => {
    symlinkSync('task.md', path.join(base, 'task-link.md'));
    expect(read({ 'prompt-file': 'task-link.md' }).prompt).toBe('Fix the build\n');
    const outside = path.join(scratch('prompt-runner-temp-'), 'prompt.md');
    writeFileSync(outside, 'From an earlier step\n');
    expect(read({ 'prompt-file': outside }).prompt).toBe('From an earlier step\n');
  });

  it.each([
    [{}, /Set one of the inputs 'prompt' and 'prompt-file'/],
    [{ prompt: 'a', 'prompt-file': 'task.md' }, /exactly one of the inputs 'prompt' and 'prompt-file'/],
    [{ 'prompt-file': 'missing.md' }, /Input 'prompt-file' is "missing.md", but .*missing.md does not exist/],
    [{ 'prompt-file': 'empty.md' }, /Input 'prompt-file' is "empty.md", but .* is empty/],
    [
      { prompt: 'a', 'max-iterations': 'ten' },
      /Input 'max-iterations' must be a whole number of at least 1, got "ten"/,
    ],
    [{ prompt: 'a', 'max-iterations': '0' }, /'max-iterations' must be a whole number of at least 1, got "0"/],
    [{ prompt: 'a', 'max-iterations': '2.5' }, /'max-iterations' must be a whole number of at least 1, got "2.5"/],
    // Number() would read these as 5, 100 and 16: only plain digits are a whole number.
    [{ prompt: 'a', 'max-iterations': '+5' }, /'max-iterations' must be a whole number of at least 1, got "\+5"/],
    [{ prompt: 'a', 'max-iterations': '1e2' }, /'max-iterations' must be a whole number of at least 1, got "1e2"/],
    [{ prompt: 'a', 'max-iterations': '0x10' }, /'max-iterations' must be a whole number of at least 1, got "0x10"/],
    [{ prompt: 'a', 'hard-limit': '-1' }, /'hard-limit' must be a whole number of at least 1, got "-1"/],
    [{ prompt: 'a', 'no-change-threshold': '0' }, /'no-change-threshold' must be a whole number of at least 1/],
    [{ prompt: 'a', 'same-error-threshold': 'x' }, /'same-error-threshold' must be a whole number of at least 1/],
    [{ prompt: 'a', 'api-retries': '-1' }, /'api-retries' must be a whole number of at least 0, got "-1"/],
    [{ prompt: 'a', 'max-turns': '0' }, /'max-turns' must be a whole number of at least 1, got "0"/],
    [{ prompt: 'a', 'max-budget-usd': '0' }, /Input 'max-budget-usd' must be a positive number, got "0"/],
    [{ prompt: 'a', 'max-budget-usd': '$5' }, /'max-budget-usd' must be a positive number, got "\$5"/],
    [{ prompt: 'a', 'max-budget-usd': '+5' }, /'max-budget-usd' must be a positive number, got "\+5"/],
    [{ prompt: 'a', 'max-budget-usd': '1e3' }, /'max-budget-usd' must be a positive number, got "1e3"/],
    [{ prompt: 'a', 'max-budget-usd': '0x10' }, /'max-budget-usd' must be a positive number, got "0x10"/],
    [
      { prompt: 'a', 'permission-mode': 'yolo' },
      /^Input 'permission-mode' is "yolo"; expected one of: acceptEdits, auto, bypassPermissions, default, dontAsk, manual, plan\.$/,
    ],
    [
      { prompt: 'a', 'check-on': 'always' },
      /^Input 'check-on' is "always"; expected one of: ready, every-iteration\.$/,
    ],
    [
      { prompt: 'a', 'fail-on': 'failed,exploded' },
      /^Input 'fail-on' has an unknown status "exploded"; known statuses: completed, iteration_limit_reached, no_progress, /,
    ],
    [{ prompt: 'a', 'open-issue-on': 'limit' }, /Input 'open-issue-on' has an unknown status "limit"/],
    [{ prompt: 'a', 'status-issue': '0' }, /Input 'status-issue' must be a whole number of at least 1, got "0"/],
    [{ prompt: 'a', 'status-issue': '#12' }, /Input 'status-issue' must be a whole number of at least 1, got "#12"/],
    [{ prompt: 'a', 'status-issue': '1.5' }, /Input 'status-issue' must be a whole number of at least 1, got "1.5"/],
    [
      { prompt: 'a', 'working-directory': 'nope' },
      /Input 'working-directory' is "nope", but .*nope is not a directory/,
    ],
    [{ prompt: 'a', 'claude-args': '--model "opus' }, /Input 'claude-args' is "--model "opus": unclosed double quote/],
    [
      { prompt: 'a', 'anthropic-api-key': 'k', 'claude-code-oauth-token': 't' },
      /Set only one of the inputs 'anthropic-api-key' and 'claude-code-oauth-token'/,
    ],
  ])('rejects %j', (inputs, message) => {
    expect(() => read(inputs as Record<string, string>)).toThrow(message);
  });

  it('accepts fractions with several digits before or none before the point', () => {
    expect(read({ prompt: 'a', 'max-budget-usd': '12.5' }).maxBudgetUsd).toBe(12.5);
    expect(read({ prompt: 'a', 'max-budget-usd': '.25' }).maxBudgetUsd).toBe(0.25);
    expect(read({ prompt: 'a', 'iteration-timeout-minutes': '12.5' }).iterationTimeoutMs).toBe(750_000);
    expect(read({ prompt: 'a', 'iteration-timeout-minutes': '.25' }).iterationTimeoutMs).toBe(15_000);
  });

  it('accepts fractions for the timeout and the budget, and 0 retries', () => {
    const config = read({
      prompt: 'a',
      'iteration-timeout-minutes': '0.05',
      'max-budget-usd': '2.5',
      'api-retries': '0',
    });
    expect(config.iterationTimeoutMs).toBe(3000);
    expect(config.maxBudgetUsd).toBe(2.5);
    expect(config.apiRetries).toBe(0);
  });

  it('clamps max-iterations to the hard limit, with a warning', () => {
    const config = readKeyed({ prompt: 'a', 'max-iterations': '80', 'hard-limit': '50' });
    expect(config.maxIterations).toBe(50);
    expect(config.warnings).toEqual([
      expect.stringContaining("'max-iterations' is 80, above 'hard-limit' 50: using 50"),
    ]);
  });

  it('takes max-iterations equal to the hard limit without a warning', () => {
    const config = readKeyed({ prompt: 'a', 'max-iterations': '50', 'hard-limit': '50' });
    expect(config.maxIterations).toBe(50);
    expect(config.warnings).toEqual([]);
  });

  it('masks every secret as soon as it is read', () => {
    const src = source({ prompt: 'a', 'anthropic-api-key': 'sk-1', 'github-token': 'ghs_2' });
    readInputs(src, base);
    expect(src.secrets).toEqual(['sk-1', 'ghs_2']);
  });

  it('masks secrets even when another input is invalid', () => {
    const src = source({ prompt: 'a', 'claude-code-oauth-token': 'tok', 'max-iterations': 'x' });
    expect(() => readInputs(src, base)).toThrow();
    expect(src.secrets).toEqual(['tok']);
  });

  it('reads claude-version as an exact version and claude-from-path as a boolean', () => {
    expect(readKeyed({ prompt: 'a', 'claude-version': '2.1.197' }).claudeVersion).toBe('2.1.197');
    expect(readKeyed({ prompt: 'a', 'claude-version': '2.2.0-beta.1' }).claudeVersion).toBe('2.2.0-beta.1');
    expect(readKeyed({ prompt: 'a', 'claude-version': '10.20.3' }).claudeVersion).toBe('10.20.3');
    for (const spelling of ['true', 'True', 'TRUE']) {
      expect(readKeyed({ prompt: 'a', 'claude-from-path': spelling }).claudeFromPath).toBe(true);
    }
    for (const spelling of ['false', 'False', 'FALSE']) {
      expect(readKeyed({ prompt: 'a', 'claude-from-path': spelling }).claudeFromPath).toBe(false);
    }
    for (const version of ['latest', '^2.1.0', '2.1', '2.1.330 left-pad']) {
      expect(() => read({ prompt: 'a', 'claude-version': version })).toThrow(
        `Input 'claude-version' is "${version}"; expected an exact version such as ${DEFAULT_CLAUDE_VERSION}.`,
      );
    }
    expect(() => read({ prompt: 'a', 'claude-from-path': 'yes' })).toThrow(
      `Input 'claude-from-path' is "yes"; expected true or false.`,
    );
  });

  it('reads status-issue as the number of the issue or pull request to report on', () => {
    expect(read({ prompt: 'a', 'status-issue': ' 42 ' }).statusIssue).toBe(42);
  });

  it('parses status lists, labels and none', () => {
    const config = read({
      prompt: 'a',
      'fail-on': 'none',
      'open-issue-on': 'iteration_limit_reached, no_progress\nrepeated_error',
      'issue-labels': 'autonomous-loop, needs human',
    });
    expect(config.failOn).toEqual([]);
    expect(config.openIssueOn).toEqual(['iteration_limit_reached', 'no_progress', 'repeated_error']);
    expect(config.issueLabels).toEqual(['autonomous-loop', 'needs human']);
  });

  it('drops empty labels, so that a trailing comma or a blank line adds none', () => {
    expect(read({ prompt: 'a', 'issue-labels': 'bug,,\n\nneeds human,' }).issueLabels).toEqual(['bug', 'needs human']);
  });
});

describe('tool lists', () => {
  it('splits on any whitespace and commas, keeping a pattern with spaces in parentheses as one item', () => {
    const config = read({
      prompt: 'a',
      'allowed-tools': 'Edit, Write\tBash(npm test:*)\r\n  Bash(git commit -m:*)',
      // A YAML block: one tool a line, with the trailing newline a `|` block keeps.
      'disallowed-tools': 'Bash(git push:*)\nWebFetch\nBash(echo a,b)\n',
    });
    expect(config.allowedTools).toEqual(['Edit', 'Write', 'Bash(npm test:*)', 'Bash(git commit -m:*)']);
    expect(config.disallowedTools).toEqual(['Bash(git push:*)', 'WebFetch', 'Bash(echo a,b)']);
  });

  it('keeps an escaped parenthesis inside a pattern, as the CLI does', () => {
    expect(read({ prompt: 'a', 'allowed-tools': 'Bash(echo \\) x) Edit' }).allowedTools).toEqual([
      'Bash(echo \\) x)',
      'Edit',
    ]);
  });

  it.each([
    [
      'allowed-tools',
      'Bash(git push:*\nWebFetch',
      /Input 'allowed-tools' is "Bash\(git push:\*\nWebFetch": "\(" is never closed/,
    ],
    ['disallowed-tools', 'WebFetch) Edit', /Input 'disallowed-tools' is "WebFetch\) Edit": "\)" without a "\("/],
  ])('rejects unbalanced parentheses in %s: a tool would silently stay allowed', (name, value, message) => {
    expect(() => read({ prompt: 'a', [name]: value })).toThrow(message);
  });
});

describe('claude-args', () => {
  it.each([
    ['-p', '-p'],
    ['--print', '--print'],
    ['--output-format json', '--output-format'],
    ['--output-format=text', '--output-format'],
    ['--input-format stream-json', '--input-format'],
    ['--verbose', '--verbose'],
    ['--resume 0f1e', '--resume'],
    ['--resume=0f1e', '--resume'],
    ['-r 0f1e', '-r'],
    ['-r0f1e', '-r'],
    ['--continue', '--continue'],
    ['-c', '-c'],
    ['--session-id 6d2a', '--session-id'],
    ['--session-id=6d2a', '--session-id'],
  ])('rejects %j: the action sets %s itself', (args, flag) => {
    const value = `--model opus ${args}`;
    expect(() => read({ prompt: 'a', 'claude-args': value })).toThrow(
      `Input 'claude-args' is "${value}": the action sets ${flag} itself; remove it.`,
    );
  });

  it.each(['--include-partial-messages', '--replay-user-messages', '--include-partial-messages=true'])(
    'rejects %j: a secret cut across partial events would escape redaction',
    (flag) => {
      const value = `--model opus ${flag}`;
      expect(() => read({ prompt: 'a', 'claude-args': value })).toThrow(
        `Input 'claude-args' is "${value}": ${flag.split('=')[0]} cannot be used with the action, which redacts ` +
          'whole messages: a secret cut across two partial events would reach the transcript; remove it.',
      );
    },
  );

  it('names every refused flag it found', () => {
    const value = '--replay-user-messages --include-partial-messages';
    expect(() => read({ prompt: 'a', 'claude-args': value })).toThrow(
      `Input 'claude-args' is "${value}": --replay-user-messages, --include-partial-messages cannot be used with the ` +
        'action, which redacts whole messages: a secret cut across two partial events would reach the transcript; ' +
        'remove them.',
    );
  });

  it('names every owned flag it found', () => {
    expect(() => read({ prompt: 'a', 'claude-args': '-p --verbose --model x -c' })).toThrow(
      `Input 'claude-args' is "-p --verbose --model x -c": the action sets -p, --verbose, -c itself; remove them.`,
    );
  });

  it('accepts short flags the action does not set, and a value that only mentions owned ones', () => {
    expect(read({ prompt: 'a', 'claude-args': `-d api --append-system-prompt "-r and -c"` }).claudeArgs).toEqual([
      '-d',
      'api',
      '--append-system-prompt',
      '-r and -c',
    ]);
  });

  it('accepts other flags, and values that merely look like owned flags', () => {
    const args = `--add-dir /tmp --append-system-prompt "-p is a flag" --settings=--verbose.json --permission-prompts none`;
    expect(read({ prompt: 'a', 'claude-args': args }).claudeArgs).toEqual([
      '--add-dir',
      '/tmp',
      '--append-system-prompt',
      '-p is a flag',
      '--settings=--verbose.json',
      '--permission-prompts',
      'none',
    ]);
  });

  it('accepts --max-budget-usd as a per-run cap unless the max-budget-usd input is set', () => {
    expect(read({ prompt: 'a', 'claude-args': '--max-budget-usd 0.5' }).claudeArgs).toEqual([
      '--max-budget-usd',
      '0.5',
    ]);
    expect(read({ prompt: 'a', 'max-budget-usd': '5', 'claude-args': '--model opus' }).claudeArgs).toEqual([
      '--model',
      'opus',
    ]);
    expect(() => read({ prompt: 'a', 'max-budget-usd': '5', 'claude-args': '--max-budget-usd=0.5' })).toThrow(
      `Input 'claude-args' is "--max-budget-usd=0.5": the action sets --max-budget-usd itself; remove it (the 'max-budget-usd' input is the loop's budget).`,
    );
  });
});

describe('durations', () => {
  it('keeps minutes within what a Node timer can wait', () => {
    expect(MAX_DURATION_MINUTES * 60_000).toBeLessThanOrEqual(2 ** 31 - 1);
    expect((MAX_DURATION_MINUTES + 1) * 60_000).toBeGreaterThan(2 ** 31 - 1);
    expect(read({ prompt: 'a', 'iteration-timeout-minutes': String(MAX_DURATION_MINUTES) }).iterationTimeoutMs).toBe(
      MAX_DURATION_MINUTES * 60_000,
    );
  });

  it.each(['50000', '35792', '0', '-2', 'soon', '1e3'])(
    'rejects iteration-timeout-minutes %j with the range',
    (text) => {
      expect(() => read({ prompt: 'a', 'iteration-timeout-minutes': text })).toThrow(
        `Input 'iteration-timeout-minutes' must be a number of minutes above 0 and at most ${MAX_DURATION_MINUTES} (about 24.8 days), got "${text}".`,
      );
    },
  );
});

describe('inputs the action does not declare', () => {
  it('warns about each, naming the closest declared input', () => {
    const config = readInputs(
      source({ prompt: 'a', 'anthropic-api-key': 'k' }, [
        'PROMPT',
        'MAX-ITERATIONS',
        'MAX_ITERATIONS',
        'ALLOWED-TOOL',
        'ANTHROPIC-API-KEY',
        'GITHUB-TOKEN',
      ]),
      base,
    );
    expect(config.warnings).toEqual([
      "Input 'max_iterations': did you mean 'max-iterations'?",
      "Input 'allowed-tool': did you mean 'allowed-tools'?",
    ]);
  });

  it.each([
    // Read as `disallowed-tools`, not `allowed-tools`: the whole name counts, to its last letter.
    ['DISALLOWED_TOOLS', 'disallowed-tools'],
    // `_` reads as `-`, not as nothing.
    ['CLAUDE_CODE_OAUTH', 'claude-code-oauth-token'],
    ['MAX_BUDGET', 'max-budget-usd'],
    ['STATE', 'state-dir'],
    // As far from `time-limit-minutes` as from `iteration-timeout-minutes`: the first declared wins.
    ['ITERATION_MINUTES', 'iteration-timeout-minutes'],
  ])('suggests for %s the declared input with the fewest edits, %s', (given, closest) => {
    const config = readInputs(source({ prompt: 'a', 'anthropic-api-key': 'k' }, [given]), base);
    expect(config.warnings).toEqual([`Input '${given.toLowerCase()}': did you mean '${closest}'?`]);
  });

  it('reads the names the runner passed from INPUT_ variables', () => {
    expect(
      inputNamesFromEnv({ 'INPUT_MAX-ITERATIONS': '3', INPUT_MAX_TURNS: '', PATH: '/bin', MY_INPUT_X: 'y' }),
    ).toEqual(['MAX-ITERATIONS', 'MAX_TURNS']);
  });
});

describe('credentials', () => {
  it('warns when neither credential input is set, naming both and the usual causes', () => {
    const [warning] = read({ prompt: 'a' }).warnings;
    expect(warning).toMatch(/'anthropic-api-key'.*'claude-code-oauth-token'/);
    expect(warning).toMatch(/secret.*fork.*Dependabot/s);
    expect(warning).toContain('the secret has not been created (or has another name)');
    expect(warning).toMatch(
      /Going on: claude may be logged in on this runner, or ANTHROPIC_API_KEY set in the environment\.$/,
    );
  });

  it('does not warn when one is set', () => {
    expect(read({ prompt: 'a', 'claude-code-oauth-token': 't' }).warnings).toEqual([]);
    expect(read({ prompt: 'a', 'anthropic-api-key': 'k' }).warnings).toEqual([]);
  });
});

describe('state-dir and time-limit-minutes', () => {
  it('keeps nothing and has no time limit by default', () => {
    expect(readKeyed({ prompt: 'a' })).toMatchObject({ stateDir: '', timeLimitMs: undefined });
  });

  it('takes a time limit in minutes, with fractions', () => {
    expect(readKeyed({ prompt: 'a', 'time-limit-minutes': '50' }).timeLimitMs).toBe(3_000_000);
    expect(readKeyed({ prompt: 'a', 'time-limit-minutes': '0.5' }).timeLimitMs).toBe(30_000);
    expect(() => readKeyed({ prompt: 'a', 'time-limit-minutes': '-1' })).toThrow(
      `Input 'time-limit-minutes' must be a number of minutes above 0 and at most ${MAX_DURATION_MINUTES} (about 24.8 days), got "-1".`,
    );
  });

  it('resolves a state directory outside the workspace', () => {
    const outside = scratch('state-outside-');
    expect(readKeyed({ prompt: 'a', 'state-dir': path.join(outside, 'loop') }).stateDir).toBe(
      path.join(outside, 'loop'),
    );
  });

  it.each(['.', 'state', './sub/../state', '..state', base])(
    'refuses %j, inside the workspace, naming the input and what to use instead',
    (given) => {
      expect(() => readKeyed({ prompt: 'a', 'state-dir': given })).toThrow(
        `Input 'state-dir' is "${given}", which is inside the workspace (${base}): the loop would count its own ` +
          'saved state as changes to the repository. Use a directory outside it, e.g. ${{ runner.temp }}/loop-state.',
      );
    },
  );

  it('accepts the directory that holds the workspace', () => {
    expect(readKeyed({ prompt: 'a', 'state-dir': '..' }).stateDir).toBe(path.dirname(base));
  });

  it('refuses a state directory inside a working directory outside the workspace', () => {
    const elsewhere = scratch('working-elsewhere-');
    const given = path.join(elsewhere, 'state');
    expect(() => readKeyed({ prompt: 'a', 'working-directory': elsewhere, 'state-dir': given })).toThrow(
      `Input 'state-dir' is "${given}", which is inside 'working-directory' (${elsewhere})`,
    );
  });

  it.each([
    ['a link to the workspace', (link: string) => symlinkSync(base, link)],
    ['a link to a directory in it', (link: string) => symlinkSync(path.join(base, 'linked-state'), link)],
    ['under a link to the workspace', (link: string) => symlinkSync(base, link), 'sub/state'],
  ])('refuses %s, which leads inside the workspace, naming where it leads', (_, make, under = '') => {
    // The target of the second does not exist yet: the loop would create it through the link.
    const link = path.join(scratch('state-link-'), 'state');
    make(link);
    const given = path.join(link, under);
    expect(() => readKeyed({ prompt: 'a', 'state-dir': given })).toThrow(
      `Input 'state-dir' is "${given}", which is inside the workspace (${base}) (through a link: ${realpathSync(base)}`,
    );
    expect(existsSync(path.join(base, 'linked-state'))).toBe(false);
  });

  it('accepts a link that leads outside the workspace', () => {
    const outside = scratch('state-target-');
    const link = path.join(scratch('state-link-'), 'state');
    symlinkSync(outside, link);
    expect(readKeyed({ prompt: 'a', 'state-dir': link }).stateDir).toBe(link);
  });

  it('refuses a state directory that is a file', () => {
    const file = path.join(scratch('state-file-'), 'f');
    writeFileSync(file, 'x');
    expect(() => readKeyed({ prompt: 'a', 'state-dir': file })).toThrow(
      `Input 'state-dir' is "${file}", but ${file} is not a directory.`,
    );
  });
});

describe('sandbox and allowed-domains', () => {
  it('has no sandbox and no hosts by default', () => {
    expect(readKeyed({ prompt: 'p' })).toMatchObject({ sandbox: false, allowedDomains: [] });
  });

  it('reads the hosts like the tool lists: commas, spaces and newlines, lower-cased, each once', () => {
    const config = readKeyed({
      prompt: 'p',
      sandbox: 'true',
      'allowed-domains': 'registry.npmjs.org, *.PyPI.org\n  files.pythonhosted.org\tregistry.npmjs.org\n',
    });
    expect(config.sandbox).toBe(true);
    expect(config.allowedDomains).toEqual(['registry.npmjs.org', '*.pypi.org', 'files.pythonhosted.org']);
    expect(config.warnings).toEqual([]);
  });

  it.each(['yes', 'on', '1', 'enabled'])('refuses sandbox "%s", naming the input and the value', (value) => {
    expect(() => readKeyed({ prompt: 'p', sandbox: value })).toThrow(
      new InputError(`Input 'sandbox' is "${value}"; expected true or false.`),
    );
  });

  it.each([
    'https://registry.npmjs.org',
    'registry.npmjs.org/',
    'localhost:8080',
    'a..b',
    '*',
    'ex*mple.com',
    '-a.com',
  ])('refuses the host "%s", naming the input and the host', (host) => {
    expect(() => readKeyed({ prompt: 'p', sandbox: 'true', 'allowed-domains': `github.com ${host}` })).toThrow(
      `Input 'allowed-domains' has "${host}", which is not a host name`,
    );
  });

  it('warns that allowed-domains alone limits nothing', () => {
    const config = readKeyed({ prompt: 'p', 'allowed-domains': 'github.com' });
    expect(config.sandbox).toBe(false);
    expect(config.warnings).toEqual([
      "Input 'allowed-domains' is set but 'sandbox' is not true: Claude's commands may reach any host.",
    ]);
  });
});
