/**
 * The Markdown summary of a loop, a pure function of its `LoopOutcome`: the job summary of the Actions front end and
 * `--summary FILE` of the local one. What names a front end's inputs or flags (how to continue) comes in as `hint`.
 */
import type { Gate } from '../core/gate.js';
import {
  describeDenials,
  formatCost,
  totalCost,
  totalIterations,
  type IterationRecord,
  type LoopOutcome,
} from '../core/outcome.js';
import { REPORT_TEXT } from '../text/bounds.js';
import { formatElapsed } from '../text/text.js';
import { codeFence, markdownCell, markdownCode, markdownInline } from '../text/untrusted-text.js';

/** GitHub refuses a step summary over 1 MiB; stay well below it. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024 - 16 * 1024;
const MAX_LISTED_BLOCKERS = 50;
/** A table row stays readable; the whole text is in the transcript. */
const MAX_CELL = 1000;
export interface IssueRef {
  number: number;
  url: string;
}

export const STATUS_ICON: Record<LoopOutcome['status'], string> = {
  completed: '✅',
  iteration_limit_reached: '🔁',
  no_progress: '⏸️',
  repeated_error: '♻️',
  budget_exceeded: '💸',
  usage_limited: '⏳',
  time_limit_reached: '⌛',
  timed_out: '⏱️',
  cancelled: '🚫',
  failed: '❌',
};

/** Past this many iterations the table is folded away: the head of the summary stays readable. */
const OPEN_TABLE_ROWS = 10;

/** Statuses where a breaker or a limit, not Claude, ended the loop: Claude's own view is then worth reading. */
const STOPPED_SHORT: ReadonlySet<LoopOutcome['status']> = new Set([
  'iteration_limit_reached',
  'no_progress',
  'repeated_error',
  'budget_exceeded',
  'usage_limited',
  'time_limit_reached',
  'timed_out',
]);

/** What a front end puts around the summary. */
export interface SummaryAround {
  issue?: IssueRef;
  /** The workflow run, linked from the summary ('' or none when not on a runner). */
  runUrl?: string;
  /** How to go on with the loop, in the front end's words (see continueHint). */
  hint?: string;
}

/** Everything from Claude, a tool or the repository goes through `markdownInline`/`markdownCell`. */
export function renderMarkdownSummary(outcome: LoopOutcome, around: SummaryAround = {}): string {
  const { issue, runUrl = '', hint } = around;
  const title = `## ${STATUS_ICON[outcome.status]} Autonomous loop: \`${outcome.status}\``;
  const reason = markdownInline(outcome.reason, REPORT_TEXT) || '(none given)';
  if (outcome.records.length === 0) {
    // Nothing ran (an input error, a CLI that could not be found, a cancellation during set-up): one block that
    // says why, not a page of empty sections.
    const lines = [
      title,
      '',
      `**${outcome.status === 'failed' ? 'Error' : 'Reason'}:** ${reason}`,
      '',
      'No iteration ran.',
    ];
    if (runUrl) lines.push('', `[Workflow run](${runUrl})`);
    if (hint) lines.push('', hint);
    return `${lines.join('\n')}\n`;
  }

  const head: string[] = [title, '', `**Reason:** ${reason}`];
  const assessment = outcome.lastGate?.reason;
  if (STOPPED_SHORT.has(outcome.status) && assessment) {
    head.push('', `**Claude's last assessment:** ${markdownInline(assessment, REPORT_TEXT)}`);
  }
  const stale = staleCheckNote(outcome);
  if (stale) head.push('', stale);
  head.push(
    '',
    '| | |',
    '|---|---|',
    `| Iterations | ${outcome.iterations} of ${outcome.maxIterations} |`,
    `| Wall time | ${formatElapsed(outcome.wallTimeMs)} |`,
    `| ${outcome.earlier ? "This run's cost" : 'Total cost'} | ${costText(outcome.costUsd, outcome.costKnown)}${subscriptionNote(outcome)} |`,
    ...earlierRows(outcome),
    `| Turns | ${outcome.turns} |`,
    `| Tokens | ${tokensText(outcome)} |`,
    `| Files changed | ${outcome.filesChanged ?? 'unknown (the work tree could not be compared)'} |`,
    `| Session id | ${outcome.sessionId ? markdownCode(outcome.sessionId, 200, true) : '(none)'} |`,
  );
  if (issue) head.push(`| Issue | [#${issue.number}](${issue.url}) |`);
  if (runUrl) head.push(`| Workflow run | [logs and artifacts](${runUrl}) |`);
  if (hint) head.push('', hint);

  const blockers = outcome.lastGate?.blockers ?? [];
  head.push('', '### Blockers', '');
  if (blockers.length === 0) head.push('None reported.');
  for (const blocker of blockers.slice(0, MAX_LISTED_BLOCKERS)) head.push(`- ${markdownInline(blocker, REPORT_TEXT)}`);
  if (blockers.length > MAX_LISTED_BLOCKERS) head.push(`- … and ${blockers.length - MAX_LISTED_BLOCKERS} more`);

  head.push('', '### Progress', '', markdownInline(outcome.lastGate?.progress ?? '', REPORT_TEXT) || 'None reported.');

  const rows: string[] = [];
  let previousGate: Gate | undefined;
  for (const record of outcome.records) {
    const cost = record.costKnown ? `$${formatCost(record.costUsd)}` : `unknown (≥ $${formatCost(record.costUsd)})`;
    rows.push(
      `| ${record.number} | ${(record.durationMs / 1000).toFixed(1)} s | ${record.turns} | ${cost} | ${
        record.changed ? 'yes' : 'no'
      } | ${gateCell(record, previousGate)} | ${checkCell(record)} | ${notesCell(record)} |`,
    );
    previousGate = record.gate ?? previousGate;
  }
  const folded = rows.length > OPEN_TABLE_ROWS;
  const table: IterationTable = {
    before: [
      '',
      '### Iterations',
      '',
      ...(folded ? [`<details><summary>All ${rows.length} iterations</summary>`, ''] : []),
      '| # | Duration | Turns | Cost | Changed | Gate | Check | Notes |',
      '|---|---|---|---|---|---|---|---|',
    ],
    rows,
    after: folded ? ['', '</details>'] : [],
  };
  return fitSummary([...head, ...failedCheck(outcome)].join('\n'), table);
}

interface IterationTable {
  before: string[];
  rows: string[];
  after: string[];
}

/** The check after an iteration, for a table cell: shared by the job summary and the status comment. */
export function checkCell(record: IterationRecord): string {
  if (!record.check) return '—';
  return record.check.passed ? 'passed' : `failed: ${markdownCell(record.check.end, 200)}`;
}

/**
 * When the loop did not complete, the output of a check that failed last: the first thing a person looks at. Shared
 * by the job summary and the issue.
 */
export function failedCheck(outcome: LoopOutcome): string[] {
  const check = outcome.lastCheck;
  if (!check || check.passed || outcome.status === 'completed') return [];
  return [
    '',
    '### Last check',
    '',
    `After iteration ${check.iteration}, ${markdownCode(check.command, 500)} failed (${markdownInline(check.end, 200)}).`,
    '',
    '<details><summary>The end of its output</summary>',
    '',
    ...codeBlock(check.output),
    '',
    '</details>',
  ];
}

/** A check that ran before later iterations changed files: its result is not the final work tree's. */
export function staleCheckNote(outcome: LoopOutcome): string | undefined {
  const check = outcome.lastCheck;
  if (!check?.stale) return undefined;
  return (
    `**Check:** stale. The last check ${check.passed ? 'passed' : 'failed'} after iteration ${check.iteration}, but ` +
    'the work tree changed after it (or may have: an iteration was stopped before it could be looked at), so the ' +
    'final work tree was not checked.'
  );
}

/** Text in a fenced code block, which renders nothing inside it as Markdown or HTML. */
function codeBlock(text: string): string[] {
  const fence = codeFence(text);
  return [fence, text, fence];
}

/** Under a subscription the CLI's cost is what the tokens would cost at API prices; the budget still acts on it. */
export function subscriptionNote(outcome: LoopOutcome): string {
  return outcome.subscription ? ' (an API-price equivalent under the subscription, not money spent)' : '';
}

function tokensText(outcome: LoopOutcome): string {
  const { input, output, cacheRead, cacheCreation } = outcome.tokens;
  return `${input} input, ${output} output, ${cacheRead} cache read, ${cacheCreation} cache creation`;
}

function costText(usd: number, known: boolean): string {
  if (known) return `$${formatCost(usd)}`;
  return `at least $${formatCost(usd)} (an iteration was stopped before the CLI reported its cost)`;
}

/** A continued loop: what its earlier runs did, and the whole loop's totals. */
function earlierRows(outcome: LoopOutcome): string[] {
  const earlier = outcome.earlier;
  if (!earlier) return [];
  const total = totalCost(outcome);
  return [
    `| Continued | this is run ${earlier.runs + 1} of the loop; earlier runs: ${earlier.iterations} iterations, ${costText(earlier.costUsd, earlier.costKnown)} |`,
    `| Whole loop | ${totalIterations(outcome)} iterations, ${costText(total.usd, total.known)} |`,
  ];
}

/** The gate of an iteration; its blockers only when they differ from those of the gate before it. */
function gateCell(record: IterationRecord, previous: Gate | undefined): string {
  if (!record.gate) return 'no gate';
  const blockers = record.gate.blockers ?? [];
  const same = sameList(blockers, previous?.blockers);
  const listed = blockers.length === 0 ? '' : same ? ' (blockers unchanged)' : ` (blockers: ${blockers.join('; ')})`;
  return markdownCell(`${record.gate.ready ? 'ready' : 'not ready'}: ${record.gate.reason ?? ''}${listed}`, MAX_CELL);
}

/** Whether `b` holds the items of `a` in order; no list at all (no gate before, or one without blockers) never does. */
function sameList(a: readonly string[], b: readonly string[] | undefined): boolean {
  return b !== undefined && a.length === b.length && a.every((item, index) => item === b[index]);
}

function notesCell(record: IterationRecord): string {
  const denied = describeDenials(record.deniedTools);
  const notes = [
    record.subtype === 'error_max_turns' ? 'turn limit reached' : '',
    record.subtype === 'error_max_budget_usd' ? 'the CLI stopped at the budget' : '',
    denied ? `denied: ${denied}` : '',
    ...record.retryNotes.map((note) => `retry: ${note}`),
    record.error ? `error: ${record.error}` : '',
  ].filter((note) => note !== '');
  const cells: string[] = [];
  let length = 0;
  for (const note of notes) {
    const cell = markdownCell(note, MAX_CELL);
    if (length + cell.length > MAX_CELL && cells.length > 0) {
      cells.push(`… and ${notes.length - cells.length} more`);
      break;
    }
    cells.push(cell);
    length += cell.length;
  }
  return cells.join('<br>');
}

/** Drops iteration rows from the middle rather than the head when the summary would exceed GitHub's limit. */
function fitSummary(head: string, table: IterationTable): string {
  // Never without rows: the first and last are kept, or the table goes.
  const join = (rows: string[]): string => `${head}\n${[...table.before, ...rows, ...table.after].join('\n')}\n`;
  const { rows } = table;
  let text = join(rows);
  if (Buffer.byteLength(text) <= SUMMARY_LIMIT_BYTES) return text;
  let keep = rows.length;
  while (keep > 2) {
    keep = Math.floor(keep / 2);
    const firstHalf = Math.ceil(keep / 2);
    const kept = [
      ...rows.slice(0, firstHalf),
      `| … | ${rows.length - keep} iterations omitted to stay under GitHub's 1 MiB summary limit | | | | | | |`,
      ...rows.slice(rows.length - (keep - firstHalf)),
    ];
    text = join(kept);
    if (Buffer.byteLength(text) <= SUMMARY_LIMIT_BYTES) return text;
  }
  return truncateBytes(`${head}\n`, SUMMARY_LIMIT_BYTES);
}

function truncateBytes(text: string, limit: number): string {
  const buffer = Buffer.from(text);
  if (buffer.length <= limit) return text;
  return `${buffer.subarray(0, limit - 64).toString('utf8')}\n\n… (truncated to stay under 1 MiB)\n`;
}
