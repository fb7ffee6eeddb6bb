/**
 * What the local command says about a loop: a line per iteration, the final line, how to continue, and the outputs as
 * one JSON object. The Markdown summary is report/summary.ts's, the action's own. The caller redacts; Claude's words
 * pass through `terminalText` here, before any colour is added.
 */
import { withoutFinalGate } from '../core/gate.js';
import {
  checkState,
  formatCost,
  resetsAtText,
  tokenCounts,
  totalCost,
  totalIterations,
  type IterationRecord,
  type LoopOutcome,
} from '../core/outcome.js';
import { isoTime } from '../core/failure.js';
import { renderMarkdownSummary } from '../report/summary.js';
import { oneLine, shorten } from '../text/text.js';
import { type Paint } from './terminal.js';
import { terminalText } from '../text/untrusted-text.js';
import { LOG_TEXT } from '../text/bounds.js';

const MAX_LINE_REASON = 300;

/** Untrusted text for one line of a terminal. */
const shown = (text: string, max: number): string => terminalText(shorten(oneLine(text), max));

/** E.g. "Iteration 2 of 10: changed files · $0.0123 · gate not ready: tests still fail". */
export function iterationLine(record: IterationRecord, maxIterations: number, paint: Paint): string {
  const gate = record.gate;
  const verdict =
    gate === undefined
      ? paint('dim', 'no gate')
      : `${gate.ready ? paint('green', 'gate ready') : paint('yellow', 'gate not ready')}` +
        (gate.reason ? `: ${shown(gate.reason, MAX_LINE_REASON)}` : '');
  const parts = [
    record.changed ? 'changed files' : 'no changes',
    `${record.costKnown ? '' : 'at least '}$${formatCost(record.costUsd)}`,
    verdict,
  ];
  if (record.check) parts.push(`check ${record.check.passed ? 'passed' : 'failed'} (${shown(record.check.end, 200)})`);
  if (record.error) parts.push(paint('red', `error: ${shown(record.error, MAX_LINE_REASON)}`));
  return `${paint('bold', `Iteration ${record.number} of ${maxIterations}:`)} ${parts.join(' · ')}`;
}

/** The final line: status, iterations, cost, reason. */
export function finalLine(outcome: LoopOutcome, paint: Paint): string {
  const style = outcome.status === 'completed' ? 'green' : outcome.status === 'failed' ? 'red' : 'yellow';
  return (
    `${paint('bold', 'Autonomous loop:')} ${paint(style, outcome.status)} after ${outcome.iterations} of ` +
    `${outcome.maxIterations} iterations, ${outcome.costKnown ? '' : 'at least '}$${formatCost(outcome.costUsd)}: ` +
    shown(outcome.reason, LOG_TEXT)
  );
}

/** How to go on with a loop that did not complete, in the flags' words; undefined when there is nothing to say. */
export function continueHint(outcome: LoopOutcome): string | undefined {
  if (outcome.status === 'usage_limited') {
    const until = outcome.resetsAt === undefined ? 'its reset (the CLI did not say when)' : isoTime(outcome.resetsAt);
    return outcome.stateSaved
      ? `The loop is paused by the usage limit until ${until}. Its state is saved in --state-dir: run ` +
          'autonomous-loop again with the same --state-dir after that time and it goes on where it stopped.'
      : `The loop is paused by the usage limit until ${until}. Run autonomous-loop again after that time (with ` +
          '--state-dir, a later run would continue this loop where it stopped).';
  }
  if (!outcome.stateSaved || outcome.status === 'completed') return undefined;
  return (
    "This loop's state and Claude's session are saved in --state-dir: run autonomous-loop again with the same " +
    '--state-dir and the loop goes on where it stopped, in the same conversation; a new --prompt is passed first.'
  );
}

/** The Markdown summary the action writes as its job summary, with how to continue in the flags' words. */
export function renderLocalSummary(outcome: LoopOutcome): string {
  const hint = continueHint(outcome);
  return renderMarkdownSummary(outcome, { hint: hint === undefined ? undefined : `**To continue:** ${hint}` });
}

/** The action's outputs, with numbers as numbers and lists as lists. */
export function localOutputs(outcome: LoopOutcome): Record<string, unknown> {
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
    tokens: tokenCounts(outcome.tokens),
    'resets-at': resetsAtText(outcome),
    turns: outcome.turns,
    'files-changed': outcome.filesChanged ?? null,
    'transcript-file': outcome.transcriptFile,
    check: checkState(outcome),
  };
}

/**
 * The outputs as one line of JSON. JSON escapes C0 controls but not DEL and C1 (U+009B is a terminal's CSI), nor the
 * line separators some readers split on: those are escaped too, and the JSON means the same.
 */
export function outputsJson(outcome: LoopOutcome): string {
  return JSON.stringify(localOutputs(outcome)).replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
