/**
 * What the local command says about a loop: a line per iteration, the outputs as one JSON object, and a short
 * Markdown summary (smaller than the job summary, which belongs to the Actions adapter). Pure: the caller redacts.
 */
import { withoutFinalGate } from '../core/gate.js';
import { formatCost, totalCost, totalIterations, type IterationRecord, type LoopOutcome } from '../core/outcome.js';
import { isoTime } from '../core/failure.js';
import { formatElapsed, oneLine, shorten } from '../text/text.js';
import { markdownCell, markdownInline } from '../text/untrusted-text.js';
import type { Paint } from './terminal.js';

const MAX_LINE_REASON = 300;
const MAX_SUMMARY_TEXT = 2_000;

/** E.g. "Iteration 2 of 10: changed files · $0.0123 · gate not ready: tests still fail". */
export function iterationLine(record: IterationRecord, maxIterations: number, paint: Paint): string {
  const gate = record.gate;
  const verdict =
    gate === undefined
      ? paint('dim', 'no gate')
      : `${gate.ready ? paint('green', 'gate ready') : paint('yellow', 'gate not ready')}` +
        (gate.reason ? `: ${shorten(oneLine(gate.reason), MAX_LINE_REASON)}` : '');
  const parts = [
    record.changed ? 'changed files' : 'no changes',
    `${record.costKnown ? '' : 'at least '}$${formatCost(record.costUsd)}`,
    verdict,
  ];
  if (record.check) parts.push(`check ${record.check.passed ? 'passed' : 'failed'} (${record.check.end})`);
  if (record.error) parts.push(paint('red', `error: ${shorten(oneLine(record.error), MAX_LINE_REASON)}`));
  return `${paint('bold', `Iteration ${record.number} of ${maxIterations}:`)} ${parts.join(' · ')}`;
}

/** The action's outputs, with numbers as numbers and lists as lists. */
export function localOutputs(outcome: LoopOutcome): Record<string, unknown> {
  const check = outcome.lastCheck;
  return {
    status: outcome.status,
    iterations: outcome.iterations,
    reason: outcome.reason,
    blockers: outcome.lastGate?.blockers ?? [],
    progress: outcome.lastGate?.progress ?? '',
    result: withoutFinalGate(outcome.resultText),
    'session-id': outcome.sessionId,
    resumed: outcome.earlier !== undefined,
    'total-iterations': totalIterations(outcome),
    'total-cost-usd': Number(formatCost(totalCost(outcome).usd)),
    'cost-usd': Number(formatCost(outcome.costUsd)),
    'cost-known': outcome.costKnown,
    tokens: {
      input: outcome.tokens.input,
      output: outcome.tokens.output,
      cache_read: outcome.tokens.cacheRead,
      cache_creation: outcome.tokens.cacheCreation,
    },
    'resets-at': outcome.status === 'usage_limited' && outcome.resetsAt !== undefined ? isoTime(outcome.resetsAt) : '',
    turns: outcome.turns,
    'files-changed': outcome.filesChanged ?? null,
    'transcript-file': outcome.transcriptFile,
    check: check === undefined ? '' : check.stale ? 'stale' : check.passed ? 'passed' : 'failed',
  };
}

/** The final line: status, iterations, cost, reason. */
export function finalLine(outcome: LoopOutcome, paint: Paint): string {
  const style = outcome.status === 'completed' ? 'green' : outcome.status === 'failed' ? 'red' : 'yellow';
  return (
    `${paint('bold', 'Autonomous loop:')} ${paint(style, outcome.status)} after ${outcome.iterations} of ` +
    `${outcome.maxIterations} iterations, ${outcome.costKnown ? '' : 'at least '}$${formatCost(outcome.costUsd)}: ` +
    shorten(outcome.reason, 4_000)
  );
}

export function renderLocalSummary(outcome: LoopOutcome): string {
  const lines = [
    `# Autonomous loop: ${outcome.status}`,
    '',
    `**${outcome.iterations}** of ${outcome.maxIterations} iterations · ` +
      `${outcome.costKnown ? '' : 'at least '}$${formatCost(outcome.costUsd)} · ${outcome.turns} turns · ` +
      `${outcome.filesChanged ?? 'unknown'} files changed · ${formatElapsed(outcome.wallTimeMs)}`,
    '',
    `**Reason:** ${markdownInline(outcome.reason, MAX_SUMMARY_TEXT)}`,
  ];
  const blockers = outcome.lastGate?.blockers ?? [];
  if (blockers.length > 0) {
    lines.push('', '**Blockers:**', ...blockers.map((blocker) => `- ${markdownInline(blocker, MAX_SUMMARY_TEXT)}`));
  }
  if (outcome.records.length > 0) {
    lines.push('', '| Iteration | Changed | Cost (USD) | Gate | Check |', '| --: | :-: | --: | --- | --- |');
    for (const record of outcome.records) {
      const gate = record.gate ? `${record.gate.ready ? 'ready' : 'not ready'}: ${record.gate.reason ?? ''}` : '';
      const check = record.check ? `${record.check.passed ? 'passed' : 'failed'} (${record.check.end})` : '';
      lines.push(
        `| ${record.number} | ${record.changed ? 'yes' : 'no'} | ${formatCost(record.costUsd)} | ` +
          `${markdownCell(gate, 300)} | ${markdownCell(check, 200)} |`,
      );
    }
  }
  if (outcome.transcriptFile) lines.push('', `Transcript: ${markdownInline(outcome.transcriptFile, 500)}`);
  return `${lines.join('\n')}\n`;
}
