/**
 * The built action against a hostile Claude, tool or repository, run as the runner runs it: forged workflow
 * commands, HTML, secrets on every way out, writes to the runner's files. Each test is the attack, and what must
 * not come of it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHubApi } from '../fixtures/fake-github-api.mjs';
import {
  FAKE_CLAUDE,
  fakeClaude,
  gate,
  makeRepo,
  runAction,
  runnerCommands,
  type FakeStep,
} from '../helpers/action-runner.js';

const API_KEY = 'sk-ant-api03-Qz7Xw2Lm9Rt4Vp8Ys1Kd3Nf6Hj0Bc5Ga';
const OAUTH_TOKEN = 'sk-ant-oat01-Mj4Tc8Wq1Zx6Pn3Lr9Ks5Dv2Hb7Fy0Ge';
const GITHUB_TOKEN = 'ghs_Ye5Rk9Tn2Wc7Mx4Qb1Lz8Hv3Jp6Df0Sa';
const SECRETS = [API_KEY, OAUTH_TOKEN, GITHUB_TOKEN];

let api: Awaited<ReturnType<typeof startFakeGitHubApi>>;
beforeEach(async () => {
  api = await startFakeGitHubApi({ token: GITHUB_TOKEN });
});
afterEach(async () => {
  await api.close();
});

async function loop(
  invocations: FakeStep[][],
  inputs: Record<string, string> = {},
  options: { outputFileStart?: string; summaryFileStart?: string } = {},
) {
  const repo = makeRepo();
  const claude = fakeClaude(invocations);
  const run = await runAction({
    cwd: repo.dir,
    inputs: {
      prompt: 'Build the widget',
      'claude-path': FAKE_CLAUDE,
      'anthropic-api-key': API_KEY,
      'github-token': GITHUB_TOKEN,
      ...inputs,
    },
    env: { ...claude.env, GITHUB_API_URL: api.url },
    ...options,
  });
  return { repo, claude, run };
}

const result = (extra: Record<string, unknown> = {}): FakeStep => ({ result: { total_cost_usd: 0.1, ...extra } });

/** Everything the action publishes or leaves behind for others to read. */
function published(run: Awaited<ReturnType<typeof runAction>>): string {
  const transcript = run.outputs['transcript-file'] ? readFileSync(run.outputs['transcript-file'], 'utf8') : '';
  // The action's own masks carry the secrets to the runner, which shows none of them.
  const log = run.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
  return [
    log,
    run.stderr,
    run.summary,
    JSON.stringify(run.outputs),
    transcript,
    JSON.stringify(api.issues),
    JSON.stringify(api.comments),
    JSON.stringify(api.requests.map((request: { body?: unknown }) => request.body ?? null)),
  ].join('\n');
}

/** No whole secret, and no piece of one of 6 or more characters. */
function expectNoSecret(text: string): void {
  for (const secret of SECRETS) {
    for (let length = 6; length <= secret.length; length++) {
      for (let from = 0; from + length <= secret.length; from++) {
        const piece = secret.slice(from, from + length);
        // Secrets share their public prefixes (sk-ant-); only the part after them is secret.
        if (/^(sk-ant-(api03|oat01)-?|ghs_)$/.test(piece) || 'sk-ant-api03-'.includes(piece)) continue;
        if (text.includes(piece)) throw new Error(`a piece of a secret was published: "${piece}"`);
      }
    }
  }
}

describe('workflow commands from Claude, tools and the CLI', () => {
  const forged = [
    '::error title=Deploy failed::forged error',
    '  ::add-mask::innocent',
    'see ##[add-mask]innocent',
    '##[set-output name=status;]completed',
    '::warning::forged warning',
    '::endgroup::',
    // The runner ends a line at a lone carriage return too.
    'progress 50%\r::error::forged after a carriage return',
  ].join('\n');

  it('reach the log as text, never as commands, from every source', async () => {
    const { run } = await loop(
      [
        [
          { text: `Let me try this:\n${forged}` },
          { toolUse: { name: 'Bash', input: { command: forged } } },
          { toolResult: forged, isError: true },
          { append: 'w' },
          { text: gate(false, forged, [forged]) },
          result(),
        ],
        [{ stderr: forged }, result({ is_error: true, result: forged }), { exit: 1 }],
      ],
      { 'api-retries': '0', 'open-issue-on': 'failed' },
    );
    expect(run.outputs.status).toBe('failed');
    const commands = runnerCommands(run.stdout);
    // What the attacker wanted: an annotation of its own, a mask that hides the log, an output, a closed group.
    expect(commands.filter((command) => command.data.startsWith('forged'))).toEqual([]);
    expect(commands.filter((command) => command.name === 'add-mask').map((command) => command.data)).toEqual([
      API_KEY,
      GITHUB_TOKEN,
    ]);
    expect(commands.filter((command) => command.name === 'set-output')).toEqual([]);
    const count = (name: string) => commands.filter((command) => command.name === name).length;
    expect(count('endgroup')).toBe(count('group'));
    // The action's own annotations carry the text with its newlines escaped: one annotation, inert.
    expect(commands.find((command) => command.name === 'error')?.data).toMatch(/^The loop ended with status failed/);
    // Readable: the text is in the log as Claude wrote it.
    expect(run.stdout).toContain('Let me try this:\n::error title=Deploy failed::forged error\n  ::add-mask::innocent');
    expect(run.stdout).toContain('→ Bash ::error title=Deploy failed::forged error');
  });
});

describe('the log of a loop whose text holds no command', () => {
  it('has no stop-commands window in ten iterations, and every line as Claude wrote it', async () => {
    const iteration: FakeStep[] = [
      { text: 'Reading the parser: the bug is in the tokenizer (line 40).' },
      { toolUse: { name: 'Bash', input: { command: 'npm test' } } },
      { toolResult: '12 passed, 1 failed' },
      { append: 'w' },
      { text: gate(false, 'one test still fails', ['tokenizer drops the last token']) },
      result(),
    ];
    const { run } = await loop([iteration], {
      'max-iterations': '10',
      'no-change-threshold': '10',
      'same-error-threshold': '10',
    });
    expect(run.outputs.status).toBe('iteration_limit_reached');
    expect(run.stdout.match(/^::stop-commands::/gm) ?? []).toHaveLength(0);
    expect(run.stdout).toContain('Reading the parser: the bug is in the tokenizer (line 40).\n');
    expect(runnerCommands(run.stdout).filter((command) => command.name === 'group')).toHaveLength(10);
  });
});

describe('HTML and Markdown from Claude', () => {
  it('is shown as text in the job summary and the issue', async () => {
    const html = '<img src=x onerror=alert(1)> <!-- the rest is hidden <details><summary>Open me</summary>';
    const { run } = await loop(
      [[{ append: 'w' }, { text: gate(false, html, [html, '@octocat please look']) }, result()]],
      { 'max-iterations': '1', 'open-issue-on': 'iteration_limit_reached' },
    );
    for (const page of [run.summary, api.issues[0].body]) {
      expect(page).not.toMatch(/<img|<!--(?! autonomous-loop:)|<details><summary>Open/);
      expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(page).not.toMatch(/@octocat/);
    }
  });
});

describe('secrets', () => {
  it('never leave through the summary, the outputs, the transcript, the issue or the log', async () => {
    const { run } = await loop(
      [
        [
          { text: `My key is ${API_KEY} and the token ${GITHUB_TOKEN}` },
          // The key split across two chunks of stdout.
          {
            rawChunks: [
              `{"type":"assistant","message":{"content":[{"type":"text","text":"again ${API_KEY.slice(0, 20)}`,
              `${API_KEY.slice(20)}"}]},"parent_tool_use_id":null}\n`,
            ],
          },
          { toolUse: { name: 'Bash', input: { command: `curl -H "x-api-key: ${API_KEY}"` } } },
          { append: 'w' },
          {
            text: gate(false, `blocked by ${API_KEY}`, [`token ${GITHUB_TOKEN}`, `${'x'.repeat(1990)}${API_KEY}`]),
          },
          result(),
        ],
      ],
      { 'max-iterations': '1', 'open-issue-on': 'iteration_limit_reached' },
    );
    expect(run.outputs.status).toBe('iteration_limit_reached');
    expect(api.issues).toHaveLength(1);
    expect(run.outputs.reason).not.toBe('');
    expectNoSecret(published(run));
    expect(run.outputs.blockers).toContain('token ***');
    expect(readFileSync(run.outputs['transcript-file'], 'utf8')).toContain('again ***');
  });

  it('never leave as base64 cut into lines, in the transcript or the log, wherever the secret starts', async () => {
    // As `base64 .env` prints it: lines of 76, the key across two of them (every Anthropic key is longer than one).
    const printed = execFileSync('base64', { input: `# settings\nANTHROPIC_API_KEY=${API_KEY}\n`, encoding: 'utf8' });
    const { run } = await loop([
      [
        { toolUse: { name: 'Bash', input: { command: 'base64 .env' } } },
        // A failed tool's output goes to the log on one line: its lines joined by spaces.
        { toolResult: printed, isError: true },
        { text: `Here it is:\n${printed}` },
        { text: gate(true, 'done') },
        result(),
      ],
    ]);
    expect(run.outputs.status).toBe('completed');
    const shown = published(run);
    expect(shown).toContain('✗ tool error: IyBzZXR0aW5ncwpBTlRIUk9QSUNfQVBJX0tFWT1');
    for (const offset of [0, 1, 2]) {
      const encoded = Buffer.concat([Buffer.alloc(offset), Buffer.from(API_KEY)]).toString('base64');
      const form = encoded.slice(Math.ceil((offset * 8) / 6), Math.floor(((offset + API_KEY.length) * 8) / 6));
      for (let at = 0; at + 10 <= form.length; at++) expect(shown).not.toContain(form.slice(at, at + 10));
    }
  });

  it('never leave through the CLI’s stderr on failure, also when the tail cuts a secret in two', async () => {
    // The stderr tail keeps the last 8 KiB: the token starts just before it.
    const stderr = `${'e'.repeat(100)}\n${OAUTH_TOKEN}${'.'.repeat(8 * 1024 - 12)}`;
    const repo = makeRepo();
    const claude = fakeClaude([[{ stderr }, { stderr: `auth failed for ${OAUTH_TOKEN}` }, { exit: 1 }]]);
    const run = await runAction({
      cwd: repo.dir,
      inputs: {
        prompt: 'x',
        'claude-path': FAKE_CLAUDE,
        'claude-code-oauth-token': OAUTH_TOKEN,
        'github-token': GITHUB_TOKEN,
        'api-retries': '0',
        'open-issue-on': 'failed',
      },
      env: { ...claude.env, GITHUB_API_URL: api.url },
    });
    expect(run.outputs.status).toBe('failed');
    expect(api.issues).toHaveLength(1);
    expect(run.outputs.reason).toContain('auth failed for ***');
    expectNoSecret(published(run));
  });
});

describe('the runner’s file commands', () => {
  it('are not in Claude’s environment', async () => {
    const { claude } = await loop([[{ text: gate(true, 'done') }, result()]]);
    const names = Object.keys(claude.calls()[0].env);
    for (const name of ['GITHUB_OUTPUT', 'GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY']) {
      expect(names).not.toContain(name);
    }
    expect(names).toContain('GITHUB_WORKSPACE');
  });

  it('are not reached through a program that Claude names in .git/config for the fingerprint’s git', async () => {
    const repo = makeRepo();
    const nested = path.join(repo.dir, 'vendor', 'lib');
    mkdirSync(nested, { recursive: true });
    execFileSync('git', ['init', '-q'], { cwd: nested });
    const runner = mkdtempSync(path.join(os.tmpdir(), 'runner-files-'));
    const githubEnv = path.join(runner, 'env');
    const githubPath = path.join(runner, 'path');
    writeFileSync(githubEnv, '');
    writeFileSync(githubPath, '');
    const leak = (what: string) =>
      `sh -c 'echo X=1 >> $GITHUB_ENV; echo /evil >> $GITHUB_PATH; env > ${runner}/${what}'`;
    const config = (file: string, extra: string) => ({
      write: { path: file, content: `${readFileSync(file.replace(/^/, `${repo.dir}/`), 'utf8')}${extra}` },
    });
    const claude = fakeClaude([
      [
        config('.git/config', `[core]\n\tfsmonitor = "${leak('fsmonitor')}"\n`),
        config('vendor/lib/.git/config', `[filter "x"]\n\tclean = "${leak('filter')}"\n`),
        { write: { path: 'vendor/lib/.gitattributes', content: '* filter=x\n' } },
        { text: gate(true, 'done') },
        result(),
      ],
    ]);
    const runtimeToken = 'actions-runtime-token-0123456789abcdef';
    const run = await runAction({
      cwd: repo.dir,
      inputs: { prompt: 'x', 'claude-path': FAKE_CLAUDE, 'anthropic-api-key': API_KEY, 'github-token': GITHUB_TOKEN },
      env: {
        ...claude.env,
        GITHUB_API_URL: api.url,
        GITHUB_ENV: githubEnv,
        GITHUB_PATH: githubPath,
        ACTIONS_RUNTIME_TOKEN: runtimeToken,
      },
    });
    expect(run.outputs.status).toBe('completed');
    expect(readFileSync(githubEnv, 'utf8')).toBe('');
    expect(readFileSync(githubPath, 'utf8')).toBe('');
    // Nothing that the configuration names ran, so nothing could see a secret.
    expect(readdirSync(runner).sort()).toEqual(['env', 'path']);
  });

  it('keep every output when a tool left the outputs file without a final newline', async () => {
    const { run } = await loop(
      [[{ text: gate(true, 'done') }, result()]],
      {},
      {
        outputFileStart: 'version=1.2.3',
        summaryFileStart: 'Tests: 12 passed',
      },
    );
    expect(run.outputs.version).toBe('1.2.3');
    expect(run.outputs.status).toBe('completed');
    expect(run.summary).toMatch(/^Tests: 12 passed\n## ✅ Autonomous loop/);
  });
});
