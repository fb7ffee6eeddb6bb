/**
 * Each front end's words for what the shared layers report: the Action names its inputs and the runner, exactly as
 * it always has; the terminal names its flags and never an input, the runner or a job.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTIONS_WORDS, actionsToolCacheDir } from '../src/actions/host-words.js';
import { AUTH_HINTS as ACTIONS_AUTH_HINTS, howToSet as actionsHowToSet } from '../src/actions/provider-input.js';
import { gateProtocol, withoutSecrets } from '../src/claude/claude-cli.js';
import type { SetupProblem } from '../src/claude/claude-install.js';
import { missingSettings, type CloudProvider, type MissingSetting } from '../src/core/providers.js';
import { LOCAL_WORDS } from '../src/local/host-words.js';
import { AUTH_HINTS as LOCAL_AUTH_HINTS, howToSet as localHowToSet } from '../src/local/provider-words.js';
import { NotAGitWorkTreeError, Workspace } from '../src/system/workspace.js';

const WHAT = '@anthropic-ai/claude-code@2.1.330';
const PROBLEMS: SetupProblem[] = [
  { kind: 'claude-path-not-executable', given: 'bin/claude', resolved: '/w/bin/claude' },
  { kind: 'path-version-differs', onPath: '/usr/bin/claude', version: '2.0.1', wanted: '2.1.330' },
  { kind: 'npm-missing', what: WHAT },
  { kind: 'npm-failed', what: WHAT, failure: 'exited with code 1: E404' },
];

/** Every setting a provider can lack, as `missingSettings` reports it for an empty environment. */
const MISSING: MissingSetting[] = [
  ...missingSettings('bedrock', {}),
  ...missingSettings('vertex', {}),
  ...missingSettings('vertex', { CLOUD_ML_REGION: 'us-east5', GOOGLE_APPLICATION_CREDENTIALS: '/k.json' }),
  ...missingSettings('foundry', {}),
];

/** The facts a user needs when a cloud turns the credentials down: the IAM permission or role, the model's switch. */
function expectRefusalFacts(hints: Readonly<Record<CloudProvider, string>>): void {
  expect(Object.keys(hints)).toEqual(['bedrock', 'vertex', 'foundry']);
  expect(hints.bedrock).toContain('bedrock:InvokeModel');
  expect(hints.vertex).toContain('roles/aiplatform.user');
  expect(hints.vertex).toContain('Model Garden');
  expect(hints.foundry).toContain('ANTHROPIC_FOUNDRY_API_KEY');
}

/** What only the Action may say. */
const ACTION_WORDS = /\binput\b|GitHub Actions|\bjob\b|runner|actions\/|RUNNER_|'claude-(path|version|from-path)'/i;

describe('the Action', () => {
  it("tells Claude it runs in a GitHub Actions job, in the gate protocol's first words", () => {
    expect(gateProtocol(ACTIONS_WORDS.where)).toMatch(
      /^You are running unattended inside an automated loop \(a GitHub Actions job\)\. Nobody can answer questions/,
    );
  });

  it('says a working directory outside a work tree names the input and actions/checkout', async () => {
    const outside = mkdtempSync(path.join(os.tmpdir(), 'not-a-repo-'));
    const error = await Workspace.open(outside).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotAGitWorkTreeError);
    const { directory, detail } = error as NotAGitWorkTreeError;
    expect(directory).toBe(outside);
    expect(ACTIONS_WORDS.notAWorkTree(directory, detail)).toBe(
      `Input 'working-directory' (${outside}) is not inside a git work tree: run actions/checkout first. (${detail})`,
    );
  });

  it('names the inputs in set-up problems', () => {
    expect(PROBLEMS.map(ACTIONS_WORDS.setup)).toEqual([
      `Input 'claude-path' is "bin/claude", but /w/bin/claude is not an executable file.`,
      `The claude on PATH (/usr/bin/claude) is version 2.0.1, but input 'claude-version' is "2.1.330": using ` +
        `2.1.330. Set 'claude-version' to "2.0.1", or 'claude-from-path' to true, to use the one on PATH.`,
      `Could not install ${WHAT} (input 'claude-version'): npm is not on PATH. Install Node.js with npm on the ` +
        "runner (e.g. actions/setup-node), or set the 'claude-path' input to an installed claude.",
      `Could not install ${WHAT} (input 'claude-version'): npm exited with code 1: E404.`,
    ]);
  });

  it("uses the runner's tool cache, or one under the temporary directory outside a runner", () => {
    expect(actionsToolCacheDir({ RUNNER_TOOL_CACHE: '/opt/hostedtoolcache' }, '/tmp')).toBe('/opt/hostedtoolcache');
    expect(actionsToolCacheDir({ RUNNER_TOOL_CACHE: '' }, '/tmp')).toBe('/tmp/tool-cache');
  });

  it("keeps the inputs and the runner's channels from Claude", () => {
    const parent = { PATH: '/bin', INPUT_PROMPT: 'p', GITHUB_OUTPUT: '/o', GITHUB_REPOSITORY: 'o/r' };
    expect(withoutSecrets(parent, [], ACTIONS_WORDS.withheld).env).toEqual({ PATH: '/bin', GITHUB_REPOSITORY: 'o/r' });
    const channels = [
      'INPUT_ANTHROPIC-API-KEY',
      'ACTIONS_RUNTIME_TOKEN',
      'ACTIONS_RUNTIME_URL',
      'ACTIONS_ID_TOKEN_REQUEST_URL',
      'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
      'ACTIONS_CACHE_URL',
      'ACTIONS_RESULTS_URL',
      'GITHUB_OUTPUT',
      'GITHUB_ENV',
      'GITHUB_PATH',
      'GITHUB_STATE',
      'GITHUB_STEP_SUMMARY',
    ];
    const kept = ['GITHUB_OUTPUTS', 'ACTIONS_CACHE_URL_X', 'GITHUB_SHA', 'RUNNER_OS'];
    const env = Object.fromEntries([...channels, ...kept].map((name) => [name, 'v']));
    expect(Object.keys(withoutSecrets(env, [], ACTIONS_WORDS.withheld).env)).toEqual(kept);
  });

  it("withholds every name even when a host's pattern has the g or y flag", () => {
    const env = { INPUT_A: 'a', INPUT_B: 'b', INPUT_C: 'c', PATH: '/bin' };
    for (const flags of ['g', 'y', 'gy']) {
      expect(withoutSecrets(env, [], new RegExp('^INPUT_', flags)).env, flags).toEqual({ PATH: '/bin' });
    }
  });

  it('names the state-dir input with its value, where saving the state failed', () => {
    expect(ACTIONS_WORDS.stateDir('/tmp/s')).toBe("'state-dir' (/tmp/s)");
    expect(LOCAL_WORDS.stateDir('/tmp/s')).toBe('--state-dir (/tmp/s)');
  });

  it("advises the cloud's sign-in action for every missing setting", () => {
    expect(MISSING.map((missing) => missing.kind)).toEqual([
      'aws-region',
      'aws-credentials',
      'vertex-project',
      'google-credentials',
      'vertex-project',
      'foundry-endpoint',
    ]);
    expect(MISSING.map(actionsHowToSet)[4]).toBe("set it in the job's env after google-github-actions/auth");
    expect(MISSING.map(actionsHowToSet)[2]).toBe("set them in the job's env after google-github-actions/auth");
  });

  it('names the facts a job needs: the permission of a federated sign-in, the URL form, what a refusal means', () => {
    const [, awsCredentials, , googleCredentials, , foundry] = MISSING.map(actionsHowToSet);
    for (const advice of [awsCredentials, googleCredentials]) expect(advice).toContain('permissions: id-token: write');
    expect(foundry).toContain('/anthropic');
    expectRefusalFacts(ACTIONS_AUTH_HINTS);
  });
});

describe('the terminal', () => {
  it("tells Claude it runs on a developer's machine", () => {
    expect(gateProtocol(LOCAL_WORDS.where)).toMatch(/^[^\n]*\(a terminal on a developer's machine\)\. Nobody/);
  });

  it('names the flags, never an input, the runner or a job', () => {
    const texts = [
      LOCAL_WORDS.notAWorkTree('/home/me/notes', 'fatal: not a git repository'),
      ...PROBLEMS.map(LOCAL_WORDS.setup),
      ...MISSING.map(localHowToSet),
      ...Object.values(LOCAL_AUTH_HINTS),
      LOCAL_WORDS.githubToken,
    ];
    for (const text of texts) expect(text).not.toMatch(ACTION_WORDS);
    expect(LOCAL_WORDS.notAWorkTree('/home/me/notes', 'fatal: x')).toContain('--working-directory');
    expect(PROBLEMS.map(LOCAL_WORDS.setup)).toEqual([
      expect.stringMatching(/^--claude-path is "bin\/claude", but/),
      expect.stringContaining('Pass --claude-version 2.0.1, or --claude-from-path, to use the one on PATH.'),
      expect.stringContaining('(--claude-version): npm is not on PATH'),
      expect.stringContaining('(--claude-version): npm exited with code 1: E404.'),
    ]);
  });

  it("tells how to sign in from a shell, for every missing setting and every provider's refusal", () => {
    expect(MISSING.map(localHowToSet)).toEqual([
      expect.stringContaining('export AWS_REGION'),
      expect.stringContaining('aws sso login'),
      expect.stringContaining('export them'),
      expect.stringContaining('gcloud auth application-default login'),
      expect.stringContaining('export it'),
      expect.stringContaining('export one: ANTHROPIC_FOUNDRY_RESOURCE'),
    ]);
    expect(Object.keys(LOCAL_AUTH_HINTS)).toEqual(Object.keys(ACTIONS_AUTH_HINTS));
  });

  it('names the facts a user needs: the URL form, what a refusal means', () => {
    expect(localHowToSet(MISSING[5])).toContain('/anthropic');
    expectRefusalFacts(LOCAL_AUTH_HINTS);
  });

  it("keeps a runner's channels from Claude when run inside a job, and nothing else", () => {
    const parent = { PATH: '/bin', INPUT_X: 'x', GITHUB_OUTPUT: '/o', GITHUB_ENV: '/e', ACTIONS_RUNTIME_TOKEN: 't' };
    expect(withoutSecrets(parent, [], LOCAL_WORDS.withheld).env).toEqual({ PATH: '/bin', INPUT_X: 'x' });
  });
});
