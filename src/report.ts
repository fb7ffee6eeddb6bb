/**
 * The step outputs and the job summary, as pure functions of the `LoopOutcome`.
 */
import { oneLine, shorten } from './text.js';
import type { LoopOutcome } from './outcome.js';

/** GitHub refuses a step summary over 1 MiB; stay well below it. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024 - 16 * 1024;
const MAX_LISTED_BLOCKERS = 50;
/** A table row stays readable; the whole text is in the transcript. */
const MAX_CELL = 1000;

export interface IssueRef {
  number: number;
  url: string;
}

export function outcomeOutputs(outcome: LoopOutcome, issue?: IssueRef): Record<string, string> {
  return {
    status: outcome.status,
    iterations: String(outcome.iterations),
    reason: outcome.reason,
    blockers: JSON.stringify(outcome.lastGate?.blockers ?? []),
    progress: outcome.lastGate?.progress ?? '',
    'session-id': outcome.sessionId,
    'cost-usd': formatCost(outcome.costUsd),
    turns: String(outcome.turns),
    'files-changed': String(outcome.filesChanged),
    'transcript-file': outcome.transcriptFile,
    'issue-number': issue ? String(issue.number) : '',
    'issue-url': issue?.url ?? '',
  };
}

const STATUS_ICON: Record<LoopOutcome['status'], string> = {
  completed: '✅',
  iteration_limit_reached: '🔁',
  no_progress: '⏸️',
  repeated_error: '♻️',
  budget_exceeded: '💸',
  timed_out: '⏱️',
  cancelled: '🚫',
  failed: '❌',
};

export function renderSummary(outcome: LoopOutcome, issue?: IssueRef): string {
  const head: string[] = [
    `## ${STATUS_ICON[outcome.status]} Autonomous loop: \`${outcome.status}\``,
    '',
    `**Reason:** ${inline(outcome.reason) || '(none given)'}`,
    '',
    '| | |',
    '|---|---|',
    `| Iterations | ${outcome.iterations} of ${outcome.maxIterations} |`,
    `| Total cost | $${formatCost(outcome.costUsd)} |`,
    `| Turns | ${outcome.turns} |`,
    `| Files changed | ${outcome.filesChanged} |`,
    `| Session id | ${outcome.sessionId ? `\`${outcome.sessionId}\`` : '(none)'} |`,
  ];
  if (issue) head.push(`| Issue | [#${issue.number}](${issue.url}) |`);

  const blockers = outcome.lastGate?.blockers ?? [];
  head.push('', '### Blockers', '');
  if (blockers.length === 0) head.push('None reported.');
  for (const blocker of blockers.slice(0, MAX_LISTED_BLOCKERS)) head.push(`- ${inline(blocker)}`);
  if (blockers.length > MAX_LISTED_BLOCKERS) head.push(`- … and ${blockers.length - MAX_LISTED_BLOCKERS} more`);

  head.push('', '### Progress', '', inline(outcome.lastGate?.progress ?? '') || 'None reported.');

  const table: string[] = [];
  if (outcome.records.length > 0) {
    table.push(
      '',
      '### Iterations',
      '',
      '| # | Duration | Turns | Cost | Changed | Gate | Notes |',
      '|---|---|---|---|---|---|---|',
    );
    for (const record of outcome.records) {
      const gate = record.gate
        ? `${record.gate.ready ? 'ready' : 'not ready'}: ${inline(record.gate.reason ?? '')}${
            record.gate.blockers?.length ? ` (blockers: ${record.gate.blockers.map(inline).join('; ')})` : ''
          }`
        : 'no gate';
      const notes = [
        record.subtype === 'error_max_turns' ? 'turn limit reached' : '',
        ...record.retryNotes.map((note) => `retry: ${inline(note)}`),
        record.error ? `error: ${inline(record.error)}` : '',
      ].filter((note) => note !== '');
      table.push(
        `| ${record.number} | ${(record.durationMs / 1000).toFixed(1)} s | ${record.turns} | $${formatCost(record.costUsd)} | ${
          record.changed ? 'yes' : 'no'
        } | ${cell(shorten(gate, MAX_CELL))} | ${cell(shorten(notes.join('<br>'), MAX_CELL))} |`,
      );
    }
  }
  return fitSummary(head.join('\n'), table);
}

/** Drops iteration rows from the middle rather than the head when the summary would exceed GitHub's limit. */
function fitSummary(head: string, table: string[]): string {
  const join = (rows: string[]): string => `${head}\n${rows.join('\n')}\n`;
  let text = join(table);
  if (Buffer.byteLength(text) <= SUMMARY_LIMIT_BYTES) return text;
  const rows = table.slice(5);
  const header = table.slice(0, 5);
  let keep = rows.length;
  while (keep > 2) {
    keep = Math.floor(keep / 2);
    const firstHalf = Math.ceil(keep / 2);
    const kept = [
      ...rows.slice(0, firstHalf),
      `| … | ${rows.length - keep} iterations omitted to stay under GitHub's 1 MiB summary limit | | | | | |`,
      ...rows.slice(rows.length - (keep - firstHalf)),
    ];
    text = join([...header, ...kept]);
    if (Buffer.byteLength(text) <= SUMMARY_LIMIT_BYTES) return text;
  }
  return truncateBytes(join(header), SUMMARY_LIMIT_BYTES);
}

export function formatCost(usd: number): string {
  return usd.toFixed(4);
}

/** One line of text, bounded in length. */
function inline(text: string): string {
  return shorten(oneLine(text), 2000);
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function truncateBytes(text: string, limit: number): string {
  const buffer = Buffer.from(text);
  if (buffer.length <= limit) return text;
  return `${buffer.subarray(0, limit - 64).toString('utf8')}\n\n… (truncated to stay under 1 MiB)\n`;
}
