import { describe, expect, it } from 'vitest';
import { describeForActions } from '../src/actions/describe.js';
import { describeForTerminal } from '../src/local/describe.js';
import type { StopCause } from '../src/core/stop-cause.js';

const auth = (credential: Extract<StopCause, { kind: 'auth' }>['credential'], status?: number): StopCause => ({
  kind: 'auth',
  credential,
  provider: undefined,
  status,
  cliSaid: 'Invalid API key',
});
const denials = { permissionMode: 'default', deniedTools: { Bash: 1, Write: 2 } };
const budget = {
  kind: 'budget',
  spentUsd: 0.6,
  costKnown: true,
  limitUsd: 0.5,
  cliStop: undefined,
  denials: undefined,
};
const places = Array.from({ length: 12 }, (_, i) => `file-${i}.txt`);

/** Each cause, what the Action says (its inputs), and what the terminal says (its flags and environment). */
const CASES: Array<[string, StopCause, string, string]> = [
  [
    'cancelled',
    { kind: 'cancelled', iteration: 2 },
    'The job was cancelled during iteration 2.',
    'The loop was interrupted during iteration 2.',
  ],
  [
    'cancelled while setting up Claude Code',
    { kind: 'cancelled_setup', what: 'claude' },
    'The job was cancelled while the action was setting up Claude Code.',
    'The loop was interrupted while setting up Claude Code.',
  ],
  [
    'cancelled while setting up the sandbox',
    { kind: 'cancelled_setup', what: 'sandbox' },
    'The job was cancelled while the action was setting up the sandbox.',
    'The loop was interrupted while setting up the sandbox.',
  ],
  [
    'time limit before an iteration',
    { kind: 'time_limit', minutes: 1.5, when: { at: 'before_iteration', iteration: 2 } },
    "This run reached its time limit ('time-limit-minutes': 1.5) before iteration 2.",
    'This run reached its time limit (--time-limit-minutes 1.5) before iteration 2.',
  ],
  [
    'time limit during an iteration',
    { kind: 'time_limit', minutes: 1.5, when: { at: 'during_iteration', iteration: 1 } },
    "This run reached its time limit ('time-limit-minutes': 1.5) during iteration 1, which was stopped.",
    'This run reached its time limit (--time-limit-minutes 1.5) during iteration 1, which was stopped.',
  ],
  [
    'time limit before a retry',
    { kind: 'time_limit', minutes: 2, when: { at: 'before_retry', iteration: 3, error: 'API Error: 529' } },
    "This run reached its time limit ('time-limit-minutes': 2) in iteration 3, before it could retry a transient API error (API Error: 529).",
    'This run reached its time limit (--time-limit-minutes 2) in iteration 3, before it could retry a transient API error (API Error: 529).',
  ],
  [
    'time limit during the check',
    { kind: 'time_limit', minutes: 2, when: { at: 'during_check', iteration: 1 } },
    "This run reached its time limit ('time-limit-minutes': 2) while the check after iteration 1 ran.",
    'This run reached its time limit (--time-limit-minutes 2) while the check after iteration 1 ran.',
  ],
  [
    'time limit while setting up Claude Code',
    { kind: 'time_limit', minutes: 0.05, when: { at: 'setup', what: 'claude', during: 'while npm installed it' } },
    "This run reached its time limit ('time-limit-minutes': 0.05) while setting up Claude Code. Set-up ran out of time while npm installed it; it was stopped.",
    'This run reached its time limit (--time-limit-minutes 0.05) while setting up Claude Code. Set-up ran out of time while npm installed it; it was stopped.',
  ],
  [
    'time limit while setting up the sandbox',
    { kind: 'time_limit', minutes: 0.05, when: { at: 'setup', what: 'sandbox', during: '' } },
    "This run reached its time limit ('time-limit-minutes': 0.05) while setting up the sandbox. Installing its tools was stopped.",
    'This run reached its time limit (--time-limit-minutes 0.05) while setting up the sandbox. Installing its tools was stopped.',
  ],
  [
    'iteration timeout',
    { kind: 'iteration_timeout', iteration: 1, minutes: 1.5 },
    "Iteration 1 ran longer than 'iteration-timeout-minutes' (1.5) and was stopped.",
    'Iteration 1 ran longer than --iteration-timeout-minutes (1.5) and was stopped.',
  ],
  [
    'budget',
    budget as StopCause,
    "The loop has cost $0.6000, reaching 'max-budget-usd' ($0.5).",
    'The loop has cost $0.6000, reaching --max-budget-usd ($0.5).',
  ],
  [
    'budget, with an unknown cost and the CLI stopping itself',
    {
      ...budget,
      costKnown: false,
      cliStop: 'The CLI stopped at its own budget: Reached maximum budget ($0.3)',
    } as StopCause,
    "The loop has cost at least $0.6000, reaching 'max-budget-usd' ($0.5); the CLI stopped at what was left of it (The CLI stopped at its own budget: Reached maximum budget ($0.3)).",
    'The loop has cost at least $0.6000, reaching --max-budget-usd ($0.5); the CLI stopped at what was left of it (The CLI stopped at its own budget: Reached maximum budget ($0.3)).',
  ],
  [
    'budget, with denied tool calls',
    { ...budget, denials } as StopCause,
    "The loop has cost $0.6000, reaching 'max-budget-usd' ($0.5). Under permission-mode 'default' the CLI denied Claude's tool calls: Write (2), Bash (1); allow them with 'allowed-tools' or choose another 'permission-mode'.",
    "The loop has cost $0.6000, reaching --max-budget-usd ($0.5). Under --permission-mode default the CLI denied Claude's tool calls: Write (2), Bash (1); allow them with --allowed-tools or choose another --permission-mode.",
  ],
  [
    'breaker, with denied tool calls',
    {
      kind: 'breaker',
      trip: 'no_changes',
      tripReason: 'No file changes for 2 consecutive runs',
      denials,
      checkEnd: undefined,
    },
    "No file changes for 2 consecutive runs. Under permission-mode 'default' the CLI denied Claude's tool calls: Write (2), Bash (1); allow them with 'allowed-tools' or choose another 'permission-mode'.",
    "No file changes for 2 consecutive runs. Under --permission-mode default the CLI denied Claude's tool calls: Write (2), Bash (1); allow them with --allowed-tools or choose another --permission-mode.",
  ],
  [
    'breaker at the iteration limit after a failed check',
    {
      kind: 'breaker',
      trip: 'max_iterations',
      tripReason: 'Maximum iterations (2) reached',
      denials: undefined,
      checkEnd: 'exit code 1',
    },
    'Maximum iterations (2) reached: Claude reported the task complete, but the check command failed (exit code 1).',
    'Maximum iterations (2) reached: Claude reported the task complete, but the check command failed (exit code 1).',
  ],
  [
    'a rejected API key',
    auth('api-key', 401),
    "The Anthropic API rejected the API key or token (401): check the 'anthropic-api-key' input. The CLI said: Invalid API key",
    'The Anthropic API rejected the API key or token (401): check ANTHROPIC_API_KEY. The CLI said: Invalid API key',
  ],
  [
    'a rejected OAuth token, without a status',
    auth('oauth-token'),
    "The Anthropic API rejected the API key or token: check the 'claude-code-oauth-token' input. The CLI said: Invalid API key",
    'The Anthropic API rejected the API key or token: check CLAUDE_CODE_OAUTH_TOKEN. The CLI said: Invalid API key',
  ],
  [
    'a rejected credential from the environment',
    auth('api-key-or-oauth-token', 401),
    "The Anthropic API rejected the API key or token (401): check the 'anthropic-api-key' or 'claude-code-oauth-token' input. The CLI said: Invalid API key",
    'The Anthropic API rejected the API key or token (401): check ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN (or the login of the CLI). The CLI said: Invalid API key',
  ],
  [
    'no credentials',
    auth('none'),
    "Claude Code has no credentials: set the 'anthropic-api-key' or 'claude-code-oauth-token' input. If you did, from a secret, it came out empty: the secret has not been created (or has another name), or the run has no access to it (a pull request from a fork, or a Dependabot run, which only sees Dependabot secrets). The CLI said: Invalid API key",
    'Claude Code has no credentials: set ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN in the environment, or log in with the CLI (claude, then /login). The CLI said: Invalid API key',
  ],
  [
    'a secret in the work',
    { kind: 'secret_leak', places: ['notes.txt', `${'x'.repeat(300)}.txt`], when: { stage: 'after', iteration: 2 } },
    `A secret the action holds (a credential, as it is or in base64) was found after iteration 2 in what the loop changed: notes.txt, ${'x'.repeat(199)}…. Revoke that credential and make a new one: whatever wrote it there had it. Nothing was published by the action: the loop stopped before it could complete, and saved no state to continue from.`,
    `A secret the loop holds (a credential, as it is or in base64) was found after iteration 2 in what the loop changed: notes.txt, ${'x'.repeat(199)}…. Revoke that credential and make a new one: whatever wrote it there had it. The loop stopped before it could complete, and saved no state to continue from.`,
  ],
];

describe('describe: the stop causes in each front end’s words', () => {
  it.each(CASES)('%s', (_name, cause, actions, terminal) => {
    expect(describeForActions(cause)).toBe(actions);
    expect(describeForTerminal(cause)).toBe(terminal);
  });

  it('names at most ten places of a secret, and how many more there are', () => {
    const cause: StopCause = { kind: 'secret_leak', places, when: { stage: 'after_check', iteration: 1 } };
    for (const words of [describeForActions(cause), describeForTerminal(cause)]) {
      expect(words).toContain('after the check of iteration 1');
      expect(words).toContain('file-9.txt and 2 more.');
      expect(words).not.toContain('file-10.txt');
    }
    const ten: StopCause = { kind: 'secret_leak', places: places.slice(0, 10), when: { stage: 'after', iteration: 1 } };
    expect(describeForActions(ten)).toContain('file-9.txt. Revoke');
  });

  it('names a cloud and what to check there, not an Anthropic credential', () => {
    const cause: StopCause = { kind: 'auth', credential: 'cloud', provider: 'foundry', status: 401, cliSaid: 'no' };
    expect(describeForActions(cause)).toBe(
      'Microsoft Foundry did not accept the credentials (401): check ANTHROPIC_FOUNDRY_API_KEY, or the Entra ID ' +
        'sign-in and its role on the Foundry resource. The CLI said: no',
    );
    // The terminal names the sign-in command a developer runs on their own machine.
    expect(describeForTerminal(cause)).toBe(
      'Microsoft Foundry did not accept the credentials (401): check ANTHROPIC_FOUNDRY_API_KEY, or your Entra ID ' +
        'sign-in (az login) and its role on the Foundry resource. The CLI said: no',
    );
  });

  it.each([
    [{ kind: 'completed', gateReason: 'All green' }, 'All green'],
    [{ kind: 'completed', gateReason: '' }, 'Claude reported the task complete.'],
    [{ kind: 'cli_budget', message: 'The CLI stopped at its own budget: $1' }, 'The CLI stopped at its own budget: $1'],
    [
      { kind: 'usage_limit', message: "Claude's usage limit was reached", resetsAt: 0 },
      "Claude's usage limit was reached",
    ],
    [{ kind: 'iteration_failed', iteration: 1, message: 'claude exited with code 1' }, 'claude exited with code 1'],
    [{ kind: 'check_error', iteration: 2, error: 'spawn bash ENOENT' }, 'spawn bash ENOENT'],
    [{ kind: 'worded', status: 'failed', message: "Input 'x' is bad." }, "Input 'x' is bad."],
    [
      { kind: 'usage_paused', resetsAt: Date.UTC(2026, 0, 2, 3, 4, 5), runs: 3, earlierReason: 'limit' },
      'The loop is paused by the usage limit until 2026-01-02T03:04:05.000Z (saved by run 3); a run after then ' +
        'continues it. The earlier run said: limit',
    ],
    [
      { kind: 'work_tree', error: 'fatal: bad', when: { stage: 'before', iteration: 1 } },
      'Could not look at the work tree before iteration 1: fatal: bad',
    ],
    [{ kind: 'crashed', error: 'boom', when: { stage: 'in', iteration: 2 } }, 'The loop stopped in iteration 2: boom'],
    [
      { kind: 'secret_search_failed', error: 'git died', when: { stage: 'after', iteration: 1 } },
      'Could not search what the loop changed for secrets after iteration 1: git died. The loop stops, as nothing ' +
        'can tell that its work holds none.',
    ],
  ] as Array<[StopCause, string]>)('says %j the same way in both front ends', (cause, words) => {
    expect(describeForActions(cause)).toBe(words);
    expect(describeForTerminal(cause)).toBe(words);
  });
});
