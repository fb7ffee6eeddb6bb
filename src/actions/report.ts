/**
 * The step outputs and the job summary, as pure functions of the `LoopOutcome`. The summary itself is
 * report/summary.ts's, shared with the local command; what here names inputs is how to continue a loop.
 */
import { withoutFinalGate } from '../core/gate.js';
import {
  checkState,
  formatCost,
  resetsAtText,
  tokenCounts,
  totalCost,
  totalIterations,
  type LoopOutcome,
} from '../core/outcome.js';
import { isoTime } from '../core/failure.js';
import { renderMarkdownSummary, type IssueRef } from '../report/summary.js';
import { shorten } from '../text/text.js';

export {
  checkCell,
  failedCheck,
  staleCheckNote,
  STATUS_ICON,
  subscriptionNote,
  SUMMARY_LIMIT_BYTES,
  type IssueRef,
} from '../report/summary.js';

/** GitHub allows 1 MiB of outputs per job, for this step and every other: free text outputs stay well below. */
export const MAX_OUTPUT_TEXT = 64 * 1024;
const MAX_OUTPUT_BLOCKER = 2000;

/** @param statusCommentUrl the live status comment of `status-issue`, if one was written */
export function outcomeOutputs(outcome: LoopOutcome, issue?: IssueRef, statusCommentUrl = ''): Record<string, string> {
  return {
    status: outcome.status,
    iterations: String(outcome.iterations),
    reason: shorten(outcome.reason, MAX_OUTPUT_TEXT),
    blockers: blockersOutput(outcome.lastGate?.blockers ?? []),
    progress: shorten(outcome.lastGate?.progress ?? '', MAX_OUTPUT_TEXT),
    result: shorten(withoutFinalGate(outcome.resultText), MAX_OUTPUT_TEXT),
    'session-id': outcome.sessionId,
    resumed: String(outcome.earlier !== undefined),
    'total-iterations': String(totalIterations(outcome)),
    'total-cost-usd': formatCost(totalCost(outcome).usd),
    'cost-usd': formatCost(outcome.costUsd),
    tokens: JSON.stringify(tokenCounts(outcome.tokens)),
    'resets-at': resetsAtText(outcome),
    turns: String(outcome.turns),
    'files-changed': outcome.filesChanged === undefined ? '' : String(outcome.filesChanged),
    'transcript-file': outcome.transcriptFile,
    check: checkState(outcome),
    'issue-number': issue ? String(issue.number) : '',
    'issue-url': issue?.url ?? '',
    'status-comment-url': statusCommentUrl,
  };
}

/**
 * The blockers as a JSON array of at most `MAX_OUTPUT_TEXT` characters: GitHub allows 1 MiB of outputs per job.
 * When blockers are left out, the last item says how many, so a consumer never takes a cut list for the whole one.
 */
function blockersOutput(blockers: readonly string[]): string {
  const kept: string[] = [];
  let length = 2;
  for (const blocker of blockers) {
    const item = shorten(blocker, MAX_OUTPUT_BLOCKER);
    const itemLength = JSON.stringify(item).length + 1;
    if (length + itemLength > MAX_OUTPUT_TEXT - 200) break;
    kept.push(item);
    length += itemLength;
  }
  if (kept.length < blockers.length) {
    kept.push(
      `… and ${blockers.length - kept.length} more blockers, left out to keep the outputs within GitHub's limit`,
    );
  }
  return JSON.stringify(kept);
}

/**
 * The job summary, with how to continue the loop in the inputs' words.
 * @param runUrl the workflow run, linked from the summary ('' when not on a runner)
 */
export function renderSummary(outcome: LoopOutcome, issue?: IssueRef, runUrl = ''): string {
  return renderMarkdownSummary(outcome, { issue, runUrl, hint: continueHint(outcome) });
}

/**
 * How to go on with a loop that did not complete and whose state was saved: shared by the job summary, the issue and
 * the status comment.
 */
export function continueHint(outcome: LoopOutcome): string | undefined {
  if (outcome.status === 'usage_limited') return usageLimitHint(outcome);
  if (!outcome.stateSaved || outcome.status === 'completed') return undefined;
  return (
    "**To continue:** this loop's state and Claude's session are saved in `state-dir`. Run the workflow again with " +
    'the same state directory (restored from your cache or artifact) and the loop goes on where it stopped, in the ' +
    'same conversation; a new `prompt` is passed to Claude first.'
  );
}

/** Until when a usage limit paused the loop, and how it goes on. */
function usageLimitHint(outcome: LoopOutcome): string {
  const until = outcome.resetsAt === undefined ? 'its reset (the CLI did not say when)' : isoTime(outcome.resetsAt);
  const head = `**The loop is paused by the usage limit until ${until}.**`;
  if (!outcome.stateSaved) {
    return (
      `${head} Run the workflow again after that time. With \`state-dir\` the loop's state would be saved, and a ` +
      'later run would continue it where it stopped.'
    );
  }
  return (
    `${head} Its state and Claude's session are saved in \`state-dir\`: a run of the workflow with the same state ` +
    'directory after that time continues the loop where it stopped, and a run before it ends `usage_limited` at ' +
    'once, without starting Claude. A schedule does it by itself (see `examples/resume-after-limit.yml`).'
  );
}
