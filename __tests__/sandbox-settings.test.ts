/**
 * The --settings JSON for a sandboxed run, merged with the user's: the CLI keeps only one --settings, so a user's
 * own must never replace the sandbox, nor the sandbox drop the user's.
 */
import { describe, expect, it } from 'vitest';
import { ACTIONS_WORDS } from '../src/actions/host-words.js';
import { readInputs } from '../src/actions/inputs.js';
import { buildClaudeArgs } from '../src/claude/claude-cli.js';
import {
  FILE_TOOLS,
  sandboxDenyRules,
  sandboxSettingsJson,
  settingsWithSandbox,
  takeSettingsArg,
} from '../src/claude/sandbox-settings.js';

const policy = { allowedDomains: ['registry.npmjs.org'], privateDirectories: ['/runner/_temp/'] };
const noFile = (file: string): string => {
  throw new Error(`no file expected, asked for ${file}`);
};
const parsed = (claudeArgs: string[], read = noFile) =>
  JSON.parse(sandboxSettingsJson(claudeArgs, policy, read)) as {
    sandbox: Record<string, unknown> & { network: Record<string, unknown> };
    permissions: { deny: string[]; allow?: string[] };
    [key: string]: unknown;
  };

describe('the sandbox settings', () => {
  it('turn the sandbox on with no way out, the network limited to the allowed domains', () => {
    expect(parsed([]).sandbox).toEqual({
      enabled: true,
      failIfUnavailable: true,
      allowUnsandboxedCommands: false,
      excludedCommands: [],
      network: { allowedDomains: ['registry.npmjs.org'] },
    });
  });

  it('keep every file tool out of /proc, the private directories and the home directory dotfiles', () => {
    const deny = parsed([]).permissions.deny;
    for (const tool of FILE_TOOLS) {
      // `//` is an absolute path in the CLI's rule syntax; one `/` would be relative to the settings file.
      expect(deny).toContain(`${tool}(//proc/**)`);
      expect(deny).toContain(`${tool}(//runner/_temp/**)`);
      expect(deny).toContain(`${tool}(~/.*)`);
    }
    expect(sandboxDenyRules([])).toHaveLength(FILE_TOOLS.length * 2);
  });

  it('merge inline user settings: ours win for the sandbox keys, deny rules are the union, the rest is kept', () => {
    const user = {
      model: 'sonnet',
      permissions: { allow: ['Bash(npm test:*)'], deny: ['Bash(git push:*)', 'Read(~/.*)'] },
      sandbox: {
        enabled: false,
        allowUnsandboxedCommands: true,
        excludedCommands: ['docker'],
        filesystem: { allowWrite: ['~/.npm'] },
        network: { allowedDomains: ['evil.example'], allowLocalBinding: true },
      },
    };
    const settings = parsed(['--model', 'x', '--settings', JSON.stringify(user)]);
    expect(settings.model).toBe('sonnet');
    expect(settings.permissions.allow).toEqual(['Bash(npm test:*)']);
    expect(settings.permissions.deny).toContain('Bash(git push:*)');
    expect(settings.permissions.deny.filter((rule) => rule === 'Read(~/.*)')).toHaveLength(1);
    expect(settings.permissions.deny).toContain('Read(//proc/**)');
    expect(settings.sandbox).toMatchObject({
      enabled: true,
      allowUnsandboxedCommands: false,
      excludedCommands: [],
      filesystem: { allowWrite: ['~/.npm'] },
      network: { allowedDomains: ['registry.npmjs.org'], allowLocalBinding: true },
    });
  });

  it('read a settings file named in claude-args (--settings=path too), the last one as the CLI does', () => {
    const asked: string[] = [];
    const read = (file: string): string => {
      asked.push(file);
      return JSON.stringify({ env: { FOO: '1' }, permissions: { deny: ['WebFetch'] } });
    };
    const settings = parsed(['--settings', '{"model":"first"}', '--settings=team/settings.json'], read);
    expect(asked).toEqual(['team/settings.json']);
    expect(settings.env).toEqual({ FOO: '1' });
    expect(settings.model).toBeUndefined();
    expect(settings.permissions.deny).toContain('WebFetch');
    expect(settings.sandbox.enabled).toBe(true);
  });

  it.each([
    ['{"sandbox": ', /inline JSON\) is not valid JSON/],
    ['{} trailing', /not valid JSON/],
  ])('refuse user settings that are not a JSON object: %s', (value, message) => {
    expect(() => parsed(['--settings', value])).toThrow(message);
  });

  it('refuse a settings file that holds an array, naming the file', () => {
    expect(() => parsed(['--settings', 'list.json'], () => '[1]')).toThrow(/\(list\.json\) is not a JSON object/);
  });

  it('ignore user values of the wrong shape rather than crash', () => {
    const settings = settingsWithSandbox({ sandbox: 'on', permissions: { deny: 'Read' } }, policy) as {
      sandbox: { enabled: boolean };
      permissions: { deny: string[] };
    };
    expect(settings.sandbox.enabled).toBe(true);
    expect(settings.permissions.deny).not.toContain('Read');
  });

  it('take the --settings arguments out of the rest', () => {
    expect(takeSettingsArg(['-a', '--settings', 'x', '--settings=y', 'b'])).toEqual({
      settings: 'y',
      rest: ['-a', 'b'],
    });
    expect(takeSettingsArg(['--settings'])).toEqual({ settings: undefined, rest: ['--settings'] });
  });
});

describe('the command line with the sandbox', () => {
  const config = readInputs(
    {
      getInput: (name) =>
        ({ prompt: 'p', 'anthropic-api-key': 'k', 'claude-args': `--settings '{"model":"m"}' --debug` })[name] ?? '',
      setSecret: () => {},
    },
    process.cwd(),
  );
  const call = { resumeSessionId: undefined, continueLastSession: false };

  it('carries one --settings, the merged one, in place of the user one', () => {
    const merged = sandboxSettingsJson(config.claudeArgs, policy, noFile);
    const args = buildClaudeArgs(config, call, ACTIONS_WORDS.where, merged);
    expect(args.filter((arg) => arg === '--settings')).toHaveLength(1);
    expect(args[args.indexOf('--settings') + 1]).toBe(merged);
    expect(args).toContain('--debug');
    expect(JSON.parse(merged)).toMatchObject({ model: 'm', sandbox: { enabled: true } });
  });

  it('leaves the user --settings alone without the sandbox', () => {
    const args = buildClaudeArgs(config, call, ACTIONS_WORDS.where);
    expect(args[args.indexOf('--settings') + 1]).toBe('{"model":"m"}');
  });
});
