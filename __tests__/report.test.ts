import { describe, expect, it } from 'vitest';
import { ACTIONS_WORDS } from '../src/actions/host-words.js';
import {
  buildClaudeArgs,
  buildClaudeEnv,
  gateProtocol,
  withoutCredentials,
  withoutSecrets,
} from '../src/claude/claude-cli.js';
import { parseGate } from '../src/core/gate.js';
import { readInputs } from '../src/actions/inputs.js';
import { failedBeforeStart, type IterationRecord, type LoopOutcome } from '../src/core/outcome.js';
import { MAX_OUTPUT_TEXT, outcomeOutputs, renderSummary, SUMMARY_LIMIT_BYTES } from '../src/actions/report.js';
import { outcome as loopOutcome, record as iterationRecord } from './helpers/builders.js';

const record = (number: number, extra: Partial<IterationRecord> = {}): IterationRecord =>
  iterationRecord(number, {
    costUsd: 0.0123,
    gate: { ready: false, reason: 'tests | failing', blockers: ['Fix a', 'Fix b'], extra: {} },
    ...extra,
  });

const outcome = (extra: Partial<LoopOutcome> = {}): LoopOutcome =>
  loopOutcome({
    records: [record(1), record(2, { changed: false, retryNotes: ['attempt 1 failed: 529; retried after 5 s'] })],
    lastGate: { ready: false, reason: 'r', progress: 'Half of it', blockers: ['Fix a', 'Fix b'], extra: {} },
    sessionId: 'sess-9',
    costUsd: 0.0246,
    transcriptFile: '/tmp/t.jsonl',
    ...extra,
  });

describe('outcomeOutputs', () => {
  it('gives every output of the contract', () => {
    const status = 'https://github.com/o/r/issues/5#issuecomment-1';
    expect(outcomeOutputs(outcome(), { number: 7, url: 'https://github.com/o/r/issues/7' }, status)).toEqual({
      status: 'iteration_limit_reached',
      iterations: '2',
      reason: 'Maximum iterations (2) reached',
      blockers: '["Fix a","Fix b"]',
      progress: 'Half of it',
      result: '',
      'session-id': 'sess-9',
      resumed: 'false',
      'total-iterations': '2',
      'total-cost-usd': '0.0246',
      'cost-usd': '0.0246',
      tokens: '{"input":0,"output":0,"cache_read":0,"cache_creation":0}',
      'resets-at': '',
      turns: '8',
      'files-changed': '3',
      'transcript-file': '/tmp/t.jsonl',
      check: '',
      'issue-number': '7',
      'issue-url': 'https://github.com/o/r/issues/7',
      'status-comment-url': 'https://github.com/o/r/issues/5#issuecomment-1',
    });
  });

  it('gives empty values, not missing ones, for a loop that never started', () => {
    const outputs = outcomeOutputs(failedBeforeStart('bad input'));
    expect(Object.keys(outputs)).toHaveLength(20);
    expect(outputs['status-comment-url']).toBe('');
    expect(outputs).toMatchObject({ status: 'failed', reason: 'bad input', blockers: '[]', iterations: '0' });
  });
});

describe('the usage-limit outputs', () => {
  const reset = Date.UTC(2026, 11, 7, 20, 14);
  it('resets-at is the reset in ISO 8601 UTC when a usage limit paused the loop, and empty otherwise', () => {
    expect(outcomeOutputs(outcome({ status: 'usage_limited', resetsAt: reset }))['resets-at']).toBe(
      '2026-12-07T20:14:00.000Z',
    );
    expect(outcomeOutputs(outcome({ status: 'usage_limited', resetsAt: undefined }))['resets-at']).toBe('');
    expect(outcomeOutputs(outcome({ status: 'failed', resetsAt: reset }))['resets-at']).toBe('');
  });

  it('tokens is JSON with the four counts', () => {
    const tokens = { input: 1200, output: 300, cacheRead: 4000, cacheCreation: 50 };
    expect(JSON.parse(outcomeOutputs(outcome({ tokens })).tokens)).toEqual({
      input: 1200,
      output: 300,
      cache_read: 4000,
      cache_creation: 50,
    });
  });

  it('the summary says until when the loop is paused, and how it goes on', () => {
    const paused = outcome({ status: 'usage_limited', resetsAt: reset, stateSaved: true });
    const summary = renderSummary(paused);
    expect(summary).toContain('paused by the usage limit until 2026-12-07T20:14:00.000Z');
    expect(summary).toContain('a run of the workflow with the same state directory after that time continues the loop');
    expect(renderSummary({ ...paused, stateSaved: false })).toContain('Run the workflow again after that time');
    expect(renderSummary({ ...paused, stateSaved: false })).toContain(
      'a later run would continue it where it stopped.',
    );
    expect(renderSummary({ ...paused, resetsAt: undefined })).toContain(
      'paused by the usage limit until its reset (the CLI did not say when)',
    );
  });

  it('the summary calls the cost under a subscription an API-price equivalent', () => {
    expect(renderSummary(outcome({ subscription: true }))).toContain(
      'an API-price equivalent under the subscription, not money spent',
    );
    expect(renderSummary(outcome({ subscription: false }))).not.toContain('API-price');
  });
});

describe('the result output', () => {
  it("is Claude's final text, bounded", () => {
    expect(outcomeOutputs(outcome({ resultText: 'The report: all good.' })).result).toBe('The report: all good.');
    const gate = '<COMPLETION_GATE>\nready: true\nreason: "done"\n</COMPLETION_GATE>';
    const withGate = outcomeOutputs(outcome({ resultText: `The report: all good.\n\n${gate}\n` })).result;
    expect(withGate).toBe('The report: all good.');
    const long = outcomeOutputs(outcome({ resultText: 'x'.repeat(MAX_OUTPUT_TEXT + 10) })).result;
    expect(long).toHaveLength(MAX_OUTPUT_TEXT);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('the summary of a long or short loop', () => {
  it('is one block for a loop where nothing ran: the error and the run', () => {
    const summary = renderSummary(
      failedBeforeStart('Input \'max-iterations\' must be a whole number of at least 1, got "ten".'),
      undefined,
      'https://github.com/o/r/actions/runs/1',
    );
    expect(summary).toBe(
      '## ❌ Autonomous loop: `failed`\n\n**Error:** Input \'max-iterations\' must be a whole number of at least 1, got "ten".\n\n' +
        'No iteration ran.\n\n[Workflow run](https://github.com/o/r/actions/runs/1)\n',
    );
  });

  it("shows Claude's last assessment when a breaker or a limit stopped the loop, not when it completed", () => {
    expect(renderSummary(outcome())).toContain("**Claude's last assessment:** r");
    const completed = outcome({ status: 'completed', lastGate: { ready: true, reason: 'r', extra: {} } });
    expect(renderSummary(completed)).not.toContain('last assessment');
    expect(renderSummary(outcome({ status: 'failed' }))).not.toContain('last assessment');
  });

  it('gives the wall time and links the run', () => {
    const summary = renderSummary(outcome({ wallTimeMs: 185_000 }), undefined, 'https://github.com/o/r/actions/runs/9');
    expect(summary).toContain('| Wall time | 3 min 05 s |');
    expect(summary).toContain('| Workflow run | [logs and artifacts](https://github.com/o/r/actions/runs/9) |');
    expect(renderSummary(outcome())).not.toContain('Workflow run');
  });

  it('folds the iteration table away past 10 rows', () => {
    const rows = (count: number) => Array.from({ length: count }, (_, index) => record(index + 1));
    const ten = renderSummary(outcome({ records: rows(10), iterations: 10 }));
    expect(ten).not.toContain('<details>');
    const eleven = renderSummary(outcome({ records: rows(11), iterations: 11 }));
    expect(eleven).toContain('<details><summary>All 11 iterations</summary>\n\n| # | Duration |');
    expect(eleven.trimEnd().endsWith('</details>')).toBe(true);
    expect(eleven).toContain('| 11 |');
  });

  it('lists the blockers in a row only when they changed since the gate before', () => {
    const gate = (blockers: string[]) => ({ ready: false, reason: 'r', blockers, extra: {} });
    const summary = renderSummary(
      outcome({
        records: [
          record(1, { gate: gate(['a', 'b']) }),
          record(2, { gate: gate(['a', 'b']) }),
          record(3, { gate: undefined }),
          record(4, { gate: gate(['a', 'b']) }),
          record(5, { gate: gate(['b']) }),
        ],
      }),
    );
    const cells = summary.split('\n').filter((line) => /^\| \d \|/.test(line));
    expect(cells[0]).toContain('(blockers: a; b)');
    expect(cells[1]).toContain('(blockers unchanged)');
    expect(cells[2]).toContain('no gate');
    expect(cells[3]).toContain('(blockers unchanged)');
    expect(cells[4]).toContain('(blockers: b)');
  });
});

describe('outputs of a continued loop', () => {
  const continued = (): LoopOutcome => ({
    ...outcome(),
    costKnown: true,
    earlier: { prompt: 'The task', runs: 2, iterations: 5, costUsd: 0.5, costKnown: true },
  });

  it('keeps iterations and cost-usd for this run, and adds the earlier runs to the totals', () => {
    expect(outcomeOutputs(continued())).toMatchObject({
      resumed: 'true',
      iterations: '2',
      'total-iterations': '7',
      'cost-usd': '0.0246',
      'total-cost-usd': '0.5246',
    });
  });

  it('shows the earlier runs and the whole loop in the summary', () => {
    const summary = renderSummary(continued());
    expect(summary).toContain("| This run's cost | $0.0246 |");
    expect(summary).toContain('| Continued | this is run 3 of the loop; earlier runs: 5 iterations, $0.5000 |');
    expect(summary).toContain('| Whole loop | 7 iterations, $0.5246 |');
    expect(renderSummary(outcome())).toContain('| Total cost | $0.0246 |');
    expect(renderSummary(outcome())).not.toContain('Whole loop');
  });

  it('says the whole loop cost is a lower bound when an earlier run did not know its cost', () => {
    const summary = renderSummary({ ...continued(), earlier: { ...continued().earlier!, costKnown: false } });
    expect(summary).toContain('| Whole loop | 7 iterations, at least $0.5246');
  });

  it('says how to continue only when the state was saved and the loop did not complete', () => {
    expect(renderSummary({ ...outcome(), stateSaved: true })).toContain('**To continue:**');
    expect(renderSummary({ ...outcome(), stateSaved: false })).not.toContain('**To continue:**');
    expect(renderSummary({ ...outcome(), status: 'completed', stateSaved: true })).not.toContain('**To continue:**');
  });
});

describe('renderSummary', () => {
  it('puts status and reason first, then the numbers, blockers, progress and the iteration table', () => {
    const summary = renderSummary(outcome());
    expect(summary.split('\n').slice(0, 3)).toEqual([
      '## 🔁 Autonomous loop: `iteration_limit_reached`',
      '',
      '**Reason:** Maximum iterations (2) reached',
    ]);
    expect(summary).toContain('| Iterations | 2 of 2 |');
    expect(summary).toContain('| Total cost | $0.0246 |');
    expect(summary).toContain('| Session id | `sess-9` |');
    expect(summary).toContain('### Blockers\n\n- Fix a\n- Fix b');
    expect(summary).toContain('### Progress\n\nHalf of it');
    expect(summary).toContain(
      '| 1 | 12.3 s | 4 | $0.0123 | yes | not ready: tests \\| failing (blockers: Fix a; Fix b) | — |  |',
    );
    expect(summary).toContain('| 2 | 12.3 s | 4 | $0.0123 | no |');
    expect(summary).toContain('retry: attempt 1 failed: 529; retried after 5 s');
  });

  it('says explicitly when no blockers were reported', () => {
    expect(renderSummary(outcome({ lastGate: undefined }))).toContain('### Blockers\n\nNone reported.');
  });

  it('stays under GitHub’s 1 MiB limit however long the iterations are', () => {
    const huge = 'word '.repeat(400);
    const records = Array.from({ length: 50 }, (_, i) =>
      record(i + 1, { gate: { ready: false, reason: huge, blockers: Array(200).fill(huge), extra: {} } }),
    );
    const lastGate = { ready: false, reason: huge, progress: huge, blockers: Array(200).fill(huge), extra: {} };
    const summary = renderSummary(outcome({ records, lastGate, iterations: 50, maxIterations: 50 }));
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES);
    // Long cells are shortened, so every row still fits (a failure here would print a megabyte: compare booleans).
    expect(summary.includes('**Reason:** Maximum iterations (2) reached')).toBe(true);
    expect(summary.includes('| 1 | 12.3 s')).toBe(true);
    expect(summary.includes('| 50 | 12.3 s')).toBe(true);
    expect(summary.includes('- … and 150 more')).toBe(true);
  });

  it('drops middle rows rather than the head when even short rows would not fit', () => {
    const notes = Array.from({ length: 40 }, () => 'n'.repeat(990));
    const records = Array.from({ length: 2000 }, (_, i) => record(i + 1, { retryNotes: notes }));
    const summary = renderSummary(outcome({ records }));
    expect(Buffer.byteLength(summary) <= SUMMARY_LIMIT_BYTES).toBe(true);
    expect(summary.startsWith('## 🔁 Autonomous loop')).toBe(true);
    expect(/\| … \| \d+ iterations omitted to stay under GitHub's 1 MiB summary limit/.test(summary)).toBe(true);
    expect(summary.includes('| 2000 | 12.3 s')).toBe(true);
  });
});

describe('the CLI command line and environment', () => {
  const config = readInputs(
    {
      getInput: (name) =>
        ({ prompt: 'p', 'anthropic-api-key': 'sk-1', 'github-token': 'ghs-1', 'claude-args': '--x "a b"' })[name] ?? '',
      setSecret: () => undefined,
    },
    process.cwd(),
  );

  it('resumes by id, falls back to --continue, never both', () => {
    const first = buildClaudeArgs(
      config,
      { resumeSessionId: undefined, continueLastSession: false },
      ACTIONS_WORDS.where,
    );
    expect(first).not.toContain('--resume');
    expect(first).not.toContain('--continue');
    expect(first.slice(-2)).toEqual(['--x', 'a b']);
    expect(buildClaudeArgs(config, { resumeSessionId: 's', continueLastSession: true }, ACTIONS_WORDS.where)).toEqual(
      expect.arrayContaining(['--resume', 's']),
    );
    expect(
      buildClaudeArgs(config, { resumeSessionId: undefined, continueLastSession: true }, ACTIONS_WORDS.where),
    ).toContain('--continue');
  });

  it('folds a user --append-system-prompt into the gate protocol instead of losing either', () => {
    const args = buildClaudeArgs(
      {
        ...config,
        claudeArgs: ['--append-system-prompt', 'Be brief.', '--append-system-prompt=Use British English.', '--x'],
      },
      { resumeSessionId: undefined, continueLastSession: false },
      ACTIONS_WORDS.where,
    );
    expect(args.filter((arg) => arg.startsWith('--append-system-prompt'))).toEqual(['--append-system-prompt']);
    const prompt = args[args.indexOf('--append-system-prompt') + 1];
    expect(prompt).toBe(`${gateProtocol(ACTIONS_WORDS.where)}\n\nBe brief.\n\nUse British English.`);
    expect(args.at(-1)).toBe('--x');
  });

  it('teaches Claude a gate that the parser reads', () => {
    expect(parseGate(gateProtocol(ACTIONS_WORDS.where))).toMatchObject({ ready: false });
  });

  it('withholds inputs, runner tokens and the github token; passes the API key', () => {
    const { env, notes } = buildClaudeEnv(
      config,
      { PATH: '/bin', INPUT_PROMPT: 'p', ACTIONS_RUNTIME_TOKEN: 'rt', GH_TOKEN: 'ghs-1', ANTHROPIC_API_KEY: 'other' },
      false,
      ACTIONS_WORDS,
    );
    expect(env).toEqual({ PATH: '/bin', ANTHROPIC_API_KEY: 'sk-1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' });
    expect(notes).toEqual(['Not passed to Claude because they hold the github-token input: GH_TOKEN.']);
  });

  it('withoutSecrets drops inputs, runner tokens and any variable holding a secret', () => {
    const parent = { PATH: '/bin', INPUT_X: '1', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't', A: 'sk-1', B: 'ghs-1', C: '' };
    expect(withoutSecrets(parent, ['sk-1', 'ghs-1', ''], ACTIONS_WORDS.withheld)).toEqual({
      env: { PATH: '/bin', C: '' },
      withheldByValue: ['A', 'B'],
    });
  });

  it('withoutCredentials also drops the credential the job put in its environment, by name and by value', () => {
    const parent = {
      PATH: '/bin',
      ANTHROPIC_API_KEY: 'sk-job',
      CLAUDE_CODE_OAUTH_TOKEN: 'oat-job',
      ANTHROPIC_AUTH_TOKEN: 'bearer-job',
      COPY: 'sk-job',
      OTHER: 'oat-job',
      GH: 'ghs-1',
    };
    expect(withoutCredentials(parent, ['ghs-1', ''], ACTIONS_WORDS.withheld)).toEqual({ PATH: '/bin' });
    expect(withoutCredentials({ PATH: '/bin', ANTHROPIC_API_KEY: '' }, [], ACTIONS_WORDS.withheld)).toEqual({
      PATH: '/bin',
    });
  });

  it('sets IS_SANDBOX only for root with bypassPermissions', () => {
    expect(buildClaudeEnv(config, {}, true, ACTIONS_WORDS).env.IS_SANDBOX).toBe('1');
    expect(buildClaudeEnv(config, {}, false, ACTIONS_WORDS).env.IS_SANDBOX).toBeUndefined();
    expect(
      buildClaudeEnv({ ...config, permissionMode: 'acceptEdits' }, {}, true, ACTIONS_WORDS).env.IS_SANDBOX,
    ).toBeUndefined();
  });

  it('an OAuth token wins over an API key from the job environment', () => {
    const { env } = buildClaudeEnv(
      { ...config, anthropicApiKey: '', claudeCodeOauthToken: 'tok' },
      { ANTHROPIC_API_KEY: 'x' },
      false,
      ACTIONS_WORDS,
    );
    expect(env.CLAUDE_CODE_OAUTH_TOKEN).toBe('tok');
    expect(env.ANTHROPIC_API_KEY).toBeUndefined();
  });
});

describe('reports of hostile or oversized text', () => {
  it('escapes HTML from Claude in every part of the summary', () => {
    const html = '<img src=x onerror=alert(1)><!--';
    const summary = renderSummary(
      outcome({
        reason: html,
        lastGate: { ready: false, reason: html, progress: html, blockers: [html], extra: {} },
        records: [record(1, { gate: { ready: false, reason: html, blockers: [html], extra: {} }, error: html })],
      }),
    );
    expect(summary).not.toMatch(/<img|<!--/);
    // Reason, Claude's last assessment, blocker, progress, and the gate and error cells of the table.
    expect(summary.match(/&lt;img src=x onerror=alert\(1\)&gt;&lt;!--/g)).toHaveLength(7);
  });

  it('marks a cost that is only a lower bound', () => {
    const summary = renderSummary(
      outcome({ costKnown: false, records: [record(1), record(2, { costKnown: false, costUsd: 0.001 })] }),
    );
    expect(summary).toContain(
      '| Total cost | at least $0.0246 (an iteration was stopped before the CLI reported its cost) |',
    );
    expect(summary).toContain('| 2 | 12.3 s | 4 | unknown (≥ $0.0010) |');
  });

  it('lists the denied tools of an iteration', () => {
    const summary = renderSummary(outcome({ records: [record(1, { deniedTools: { Bash: 1, Write: 3 } })] }));
    expect(summary).toContain('denied: Write (3), Bash (1)');
  });

  it('says the files changed are unknown rather than 0 when they could not be counted', () => {
    expect(renderSummary(outcome({ filesChanged: undefined }))).toContain('| Files changed | unknown');
    expect(outcomeOutputs(outcome({ filesChanged: undefined }))['files-changed']).toBe('');
  });

  it('bounds the blockers output and says how many were left out', () => {
    const blockers = Array.from({ length: 5000 }, (_, i) => `blocker ${i} ${'x'.repeat(100)}`);
    const output = outcomeOutputs(outcome({ lastGate: { ready: false, blockers, extra: {} } })).blockers;
    expect(output.length).toBeLessThanOrEqual(MAX_OUTPUT_TEXT);
    const parsed = JSON.parse(output) as string[];
    expect(parsed[0]).toBe(blockers[0]);
    expect(parsed.at(-1)).toBe(
      `… and ${5000 - parsed.length + 1} more blockers, left out to keep the outputs within GitHub's limit`,
    );
  });

  it('bounds the reason and progress outputs', () => {
    const huge = 'y'.repeat(MAX_OUTPUT_TEXT * 3);
    const outputs = outcomeOutputs(outcome({ reason: huge, lastGate: { ready: false, progress: huge, extra: {} } }));
    expect(outputs.reason.length).toBe(MAX_OUTPUT_TEXT);
    expect(outputs.progress.length).toBe(MAX_OUTPUT_TEXT);
  });
});
