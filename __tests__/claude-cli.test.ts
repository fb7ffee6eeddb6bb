/**
 * How the tool lists reach the CLI. 2.1.330 splits an --allowedTools / --disallowedTools value on commas and spaces
 * outside parentheses only: a newline or tab makes the whole value one unknown name, and a disallowed tool stays
 * allowed. The action hands it one value, the items joined by single spaces.
 */
import { describe, expect, it } from 'vitest';
import { ACTIONS_WORDS } from '../src/actions/host-words.js';
import { buildClaudeArgs } from '../src/claude/claude-cli.js';
import { readInputs } from '../src/actions/inputs.js';

const firstCall = { resumeSessionId: undefined, continueLastSession: false };

function argsFor(inputs: Record<string, string>): string[] {
  const config = readInputs(
    { getInput: (name) => ({ prompt: 'p', 'anthropic-api-key': 'k', ...inputs })[name] ?? '', setSecret: () => {} },
    process.cwd(),
  );
  return buildClaudeArgs(config, firstCall, ACTIONS_WORDS.where);
}

const valueOf = (args: string[], flag: string) => {
  expect(args.filter((arg) => arg === flag)).toHaveLength(1);
  return args[args.indexOf(flag) + 1];
};

describe('tool lists on the command line', () => {
  it('passes a list written one tool a line as one value without newlines or tabs', () => {
    const args = argsFor({
      'allowed-tools': 'Edit\n\tBash(npm test:*)\n',
      'disallowed-tools': 'Bash(git push:*)\nWebFetch,Write\n',
    });
    expect(valueOf(args, '--allowedTools')).toBe('Edit Bash(npm test:*)');
    expect(valueOf(args, '--disallowedTools')).toBe('Bash(git push:*) WebFetch Write');
  });

  it('leaves the flags out when the lists are empty or blank', () => {
    const args = argsFor({ 'allowed-tools': ' \n ', 'disallowed-tools': '' });
    expect(args).not.toContain('--allowedTools');
    expect(args).not.toContain('--disallowedTools');
  });
});
