/**
 * The live status comment (`status-issue`): one comment on an issue or pull request that says the loop is running,
 * is updated after every iteration, and says how it ended. Rendering is pure (`renderStatusComment`); `StatusComment`
 * is the I/O, built so that it can never slow or break the loop.
 */
import { ISSUE_TEXT } from '../text/bounds.js';
import {
  describeFailure,
  loopId,
  MAX_BODY_LENGTH,
  renderBlockers,
  runUrl,
  type IssueContext,
  type IssueLog,
} from './issue.js';
import { resilientClient, timeLimit, UNSPACED_WRITES, type GitHubClient } from './github-client.js';
import type { LoopConfig } from '../core/settings.js';
import { formatCost, type IterationRecord, type LoopOutcome } from '../core/outcome.js';
import { isoTime } from '../core/failure.js';
import type { RateLimitInfo } from '../core/iteration-run.js';
import { checkCell, continueHint, failedCheck, STATUS_ICON, type IssueRef } from './report.js';
import { formatElapsed, shorten } from '../text/text.js';
import { markdownCell, markdownInline, type Secrets } from '../text/untrusted-text.js';

export type StatusSettings = Pick<
  LoopConfig,
  'githubToken' | 'statusIssue' | 'prompt' | 'maxIterations' | 'checkCommand'
>;

/** What the comment shows at one moment. */
export interface StatusView {
  /** The iterations so far (all of them once the loop has ended). */
  records: readonly IterationRecord[];
  elapsedMs: number;
  /** Set once the loop has ended. */
  outcome?: LoopOutcome;
  /** The issue of `open-issue-on`, if one was opened or updated. */
  issue?: IssueRef;
}

/** Up to this many iterations the table is shown; with more, it is collapsed. */
export const COLLAPSE_AFTER = 5;
/**
 * The newest iterations in the table; the job summary has them all. With the other bounds (and escaping, which can
 * make a text 5 times longer), the body stays under `MAX_BODY_LENGTH` without being cut.
 */
const MAX_ROWS = 30;
const MAX_GATE_CELL = 100;
const MAX_CELL = 200;
const MAX_ASSESSMENT = 500;
const MAX_BLOCKERS_LENGTH = 10_000;
/** Comments looked at when searching for the loop's own (100 per page). */
const MAX_PAGES = 10;
/** How long the end of the action waits for the last update. */
export const FINAL_WAIT_MS = 20_000;
/**
 * A request (with its retries and rate-limit waits, up to 2 × 60 s) that takes longer is given up: a GitHub that
 * never answers must not hold the queue. The end of the action does not wait this long (`finish`).
 */
const REQUEST_TIMEOUT_MS = 180_000;
/** Retries of a request after a server error or a lost connection (after 1 s, then 4 s). */
const RETRIES = 2;
/** A rate limit that asks for a longer wait than this is not waited for: the update is given up. */
const MAX_RATE_LIMIT_WAIT_S = 60;
/** The author of every comment written with the Actions GITHUB_TOKEN. */
const ACTIONS_BOT = 'github-actions[bot]';

/**
 * Hidden in the comment. It names the loop (repository, workflow, job, task) and the workflow run, not the attempt,
 * so that re-running the run updates the comment. Only hex digits and the run id's letters and digits, so that
 * nothing can close it early.
 */
export function statusMarker(context: IssueContext, prompt: string): string {
  return `<!-- autonomous-loop-status:${loopId(context, prompt)}:${context.runId.replace(/[^\w]/g, '')} -->`;
}

// Shared with the job summary; re-exported for the status comment's callers and tests.
export { formatElapsed } from '../text/text.js';

/** The comment's body. Everything from Claude, a tool or the repository goes through `markdownInline`/`markdownCell`. */
export function renderStatusComment(
  view: StatusView,
  settings: Pick<StatusSettings, 'prompt' | 'maxIterations' | 'checkCommand'>,
  context: IssueContext,
): string {
  const { records, outcome } = view;
  const max = outcome?.maxIterations ?? settings.maxIterations;
  const lines = [statusMarker(context, settings.prompt)];
  if (outcome) {
    lines.push(
      `### ${STATUS_ICON[outcome.status]} Autonomous loop: \`${outcome.status}\``,
      '',
      `**Reason:** ${markdownInline(outcome.reason, ISSUE_TEXT) || '(none given)'}`,
    );
  } else {
    lines.push(
      '### 🔄 Autonomous loop: running',
      '',
      records.length === 0
        ? `Iteration 1 of ${max} is running.`
        : `${records.length} of ${max} iterations done; the comment is updated after every iteration.`,
    );
  }

  const costUsd = outcome?.costUsd ?? records.reduce((sum, record) => sum + record.costUsd, 0);
  const costKnown = outcome?.costKnown ?? records.every((record) => record.costKnown);
  lines.push(
    '',
    '| | |',
    '|---|---|',
    `| Iterations | ${records.length} of ${max}${outcome ? '' : ' done'} |`,
    `| Elapsed | ${formatElapsed(view.elapsedMs)} |`,
    `| ${outcome ? 'Cost' : 'Cost so far'} | ${costKnown ? '' : 'at least '}$${formatCost(costUsd)} |`,
  );
  if (settings.checkCommand) lines.push(`| Check | ${checkSummary(records, settings.checkCommand)} |`);
  lines.push(
    `| Workflow run | [${markdownCell(context.workflow || 'run', MAX_CELL)} #${context.runId}](${runUrl(context)}) |`,
  );
  if (view.issue) lines.push(`| Issue | [#${view.issue.number}](${view.issue.url}) |`);
  const nearLimit = lastWith(records, (record) => record.usageWarning !== undefined)?.usageWarning;
  if (nearLimit) lines.push('', usageWarningLine(nearLimit));

  const gated = lastWith(records, (record) => record.gate !== undefined);
  const gate = outcome ? outcome.lastGate : gated?.gate;
  if (records.length > 0) {
    lines.push(
      '',
      gated?.gate
        ? `**Claude's last assessment** (iteration ${gated.number}): ${gateText(gated, MAX_ASSESSMENT)}`
        : 'No COMPLETION_GATE yet.',
    );
  }
  if (records.length > 0 || outcome) {
    lines.push('', '**Blockers**', '', renderBlockers(gate?.blockers ?? [], '- ', MAX_BLOCKERS_LENGTH));
  }
  lines.push(...iterationTable(records));
  if (outcome) lines.push(...failedCheck(outcome));
  const hint = outcome && continueHint(outcome);
  if (hint) lines.push('', hint);
  lines.push(
    '',
    outcome
      ? '<sub>The loop has ended; this comment is no longer updated.</sub>'
      : '<sub>Written by the autonomous loop while it runs.</sub>',
  );
  return shorten(lines.join('\n'), MAX_BODY_LENGTH);
}

/** A usage limit 80% used or more: one line, so that a pause at the limit comes as no surprise. */
function usageWarningLine(warning: RateLimitInfo): string {
  const which = warning.limitType ? ` (${markdownCell(warning.limitType, 50)})` : '';
  const until = warning.resetsAt === undefined ? '' : `, until ${isoTime(warning.resetsAt)}`;
  return (
    `⚠️ **Usage limit:** ${Math.round((warning.utilization ?? 0) * 100)}% of the usage limit${which} is used${until}. ` +
    'At the limit the loop pauses until the reset.'
  );
}

function checkSummary(records: readonly IterationRecord[], command: string): string {
  const checked = lastWith(records, (record) => record.check !== undefined);
  const what = markdownCell(command, MAX_CELL);
  if (!checked?.check) return `${what}: not run yet`;
  const { passed, end } = checked.check;
  return `${what}: ${passed ? 'passed' : 'failed'} after iteration ${checked.number}${passed ? '' : ` (${markdownCell(end, MAX_CELL)})`}`;
}

function lastWith(
  records: readonly IterationRecord[],
  test: (record: IterationRecord) => boolean,
): IterationRecord | undefined {
  for (let i = records.length - 1; i >= 0; i--) if (test(records[i])) return records[i];
  return undefined;
}

function gateText(record: IterationRecord, max: number): string {
  if (!record.gate) return 'no gate';
  return markdownCell(`${record.gate.ready ? 'ready' : 'not ready'}: ${record.gate.reason || 'no reason given'}`, max);
}

/** A compact table of the iterations, collapsed once it grows; the newest `MAX_ROWS` of them. */
function iterationTable(records: readonly IterationRecord[]): string[] {
  if (records.length === 0) return [];
  const rows = ['| # | Time | Cost | Changed | Gate | Check |', '|---|---|---|---|---|---|'];
  if (records.length > MAX_ROWS) rows.push(`| … | ${records.length - MAX_ROWS} earlier iterations left out | | | | |`);
  for (const record of records.slice(-MAX_ROWS)) {
    const cost = `${record.costKnown ? '' : '≥ '}$${formatCost(record.costUsd)}`;
    rows.push(
      `| ${record.number} | ${(record.durationMs / 1000).toFixed(1)} s | ${cost} | ${record.changed ? 'yes' : 'no'} | ${gateText(record, MAX_GATE_CELL)} | ${checkCell(record)} |`,
    );
  }
  if (records.length <= COLLAPSE_AFTER) return ['', ...rows];
  return ['', `<details><summary>Iterations (${records.length})</summary>`, '', ...rows, '', '</details>'];
}

/** Test hooks: shorter waits. */
export interface StatusCommentTiming {
  /** What one second of a retry or rate-limit wait lasts, in ms (1000). */
  retryAfterBaseMs?: number;
  /** How long `finish` waits for the last update (`FINAL_WAIT_MS`). */
  finalWaitMs?: number;
  /** False: no spacing of writes (GitHub's one a second, kept by the throttling plugin), for tests. */
  spaceWrites?: boolean;
  /** How long one request may take (`REQUEST_TIMEOUT_MS`). */
  requestTimeoutMs?: number;
}

/** Statuses after which no later request can succeed: the token's permissions, or the issue itself. */
const REFUSALS = [401, 403, 404, 410, 422];

/** GitHub answered 404: the comment (or the issue) is gone. */
function isNotFound(error: unknown): boolean {
  const fields = error as { status?: unknown; response?: unknown };
  return fields.response !== undefined && Number(fields.status) === 404;
}

/** GitHub said no for good (a rate limit passes; a lost connection has no response). */
function isRefusal(error: unknown): boolean {
  const fields = error as { status?: unknown; response?: unknown; message?: unknown };
  return (
    fields.response !== undefined &&
    REFUSALS.includes(Number(fields.status)) &&
    !/rate limit/i.test(String(fields.message))
  );
}

/**
 * Keeps the status comment up to date. The loop only hands it a record, which is rendered at once and queued; one
 * request at a time goes out, and a newer body replaces one still waiting. Nothing it does throws, and at the end the
 * action waits for the last update only so long (`FINAL_WAIT_MS`). A failure gives one warning; a refusal (401, 403, 404, 410, 422) also stops all later
 * attempts, except a 404 of an update: the comment was deleted, and a new one is written. Octokit's retry and
 * throttling plugins retry server errors, lost connections and GitHub's (secondary) rate limits.
 */
export class StatusComment {
  private readonly startedAt = Date.now();
  private readonly records: IterationRecord[] = [];
  /** Loaded with the first request (see github-client.ts); a failure to load it is that request's failure. */
  private client: Promise<GitHubClient> | undefined;
  private readonly owner: string;
  private readonly repo: string;
  private comment: { id: number; url: string } | undefined;
  /** Whose comments are the token's own, once asked (see `ownLogin`). */
  private login: Promise<string> | undefined;
  /** The newest body not yet sent. */
  private pending: string | undefined;
  private sending: Promise<void> | undefined;
  /** A refusal, or `finish` has returned: nothing more is sent or said. */
  private stopped = false;
  private warned = false;
  /** Aborted when `finish` returns: a request still under way is given up. */
  private readonly abandon = new AbortController();

  /** Starts the comment, or returns undefined (after a warning when it cannot be written) when there is none. */
  static start(
    settings: StatusSettings,
    context: IssueContext,
    secrets: Secrets,
    log: IssueLog,
    timing: StatusCommentTiming = {},
  ): StatusComment | undefined {
    if (settings.statusIssue === undefined) return undefined;
    const [owner, repo] = context.repository.split('/');
    const cannot = `Could not write the status comment on #${settings.statusIssue}`;
    if (settings.githubToken === '') {
      log.warning(`${cannot}: the input 'github-token' is empty.`);
      return undefined;
    }
    if (!owner || !repo) {
      log.warning(`${cannot}: GITHUB_REPOSITORY is "${context.repository}", expected owner/repo.`);
      return undefined;
    }
    try {
      const status = new StatusComment(settings, context, secrets, log, timing, owner, repo);
      status.update();
      return status;
    } catch (error) {
      log.warning(`${cannot}: ${(error as Error).message}`);
      return undefined;
    }
  }

  private constructor(
    private readonly settings: StatusSettings,
    private readonly context: IssueContext,
    private readonly secrets: Secrets,
    private readonly log: IssueLog,
    private readonly timing: StatusCommentTiming,
    owner: string,
    repo: string,
  ) {
    this.owner = owner;
    this.repo = repo;
  }

  private octokit(): Promise<GitHubClient> {
    const base = this.timing.retryAfterBaseMs ?? 1000;
    const rateLimited = (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number): boolean =>
      retryCount < RETRIES && retryAfter <= MAX_RATE_LIMIT_WAIT_S;
    this.client ??= resilientClient(this.settings.githubToken, {
      baseUrl: this.context.apiUrl,
      retry: { retries: RETRIES, retryAfterBaseValue: base },
      throttle: {
        onRateLimit: rateLimited,
        onSecondaryRateLimit: rateLimited,
        retryAfterBaseValue: base,
        ...(this.timing.spaceWrites === false ? UNSPACED_WRITES : {}),
      },
      // Octokit's own warnings (deprecations) go to the action's log, not to stderr unfiltered.
      log: { debug: () => {}, info: () => {}, warn: this.log.text, error: this.log.text },
      bound: () => this.requestSignal(),
    });
    return this.client;
  }

  /** Each request ends within `REQUEST_TIMEOUT_MS`, and at once when `finish` has returned. */
  private requestSignal(): AbortSignal {
    const ms = this.timing.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
    return timeLimit(ms, `GitHub did not answer within ${ms / 1000} s`, this.abandon.signal);
  }

  /** After each iteration: returns at once; the comment is updated in the background. */
  iterationEnded(record: IterationRecord): void {
    // No secret gets into a body, also not a piece of one that a cut left at the end of a text.
    this.records.push(this.secrets.redactDeep(record));
    this.update();
  }

  /** The comment's address once it exists, else ''. */
  get url(): string {
    return this.comment?.url ?? '';
  }

  /**
   * The final update, with the (redacted) outcome. Waits for it at most `FINAL_WAIT_MS`, and not after `signal`
   * aborts; afterwards a request under way is given up, and nothing more is sent or said. Returns the comment's
   * address, or '' when there is none.
   */
  async finish(outcome: LoopOutcome, issue?: IssueRef, signal?: AbortSignal): Promise<string> {
    if (!this.stopped) {
      const final = this.secrets.redactDeep(outcome);
      this.enqueue({ records: final.records, elapsedMs: Date.now() - this.startedAt, outcome: final, issue });
    }
    const waitMs = this.timing.finalWaitMs ?? FINAL_WAIT_MS;
    const waitEnd = timeLimit(waitMs, `within ${waitMs / 1000} s`, ...(signal ? [signal] : []));
    const timedOut = await Promise.race([
      this.settled().then(() => false),
      new Promise<boolean>((resolve) => {
        if (waitEnd.aborted) resolve(true);
        waitEnd.addEventListener('abort', () => resolve(true), { once: true });
      }),
    ]);
    if (timedOut) {
      // The timer's reason reads "within 20 s"; the caller's says why it stopped waiting.
      const why = (waitEnd.reason as Error).message;
      this.warnOnce(
        `The last update of the status comment on #${this.settings.statusIssue} did not finish ` +
          `${why.startsWith('within') ? why : `(${why})`}; the comment may show an earlier state of the loop.`,
      );
    }
    this.stopped = true;
    this.abandon.abort(new Error('the action has ended'));
    return this.comment?.url ?? '';
  }

  /** Resolves when nothing is waiting or being sent. */
  async settled(): Promise<void> {
    while (this.sending) await this.sending;
  }

  private update(): void {
    this.enqueue({ records: this.records, elapsedMs: Date.now() - this.startedAt });
  }

  private enqueue(view: StatusView): void {
    if (this.stopped) return;
    try {
      this.pending = this.secrets.redact(renderStatusComment(view, this.settings, this.context));
    } catch (error) {
      this.warnOnce(`Could not render the status comment: ${(error as Error).message}`);
      return;
    }
    this.sending ??= this.drain();
  }

  /** Sends the newest pending body, one request at a time, until none is left. */
  private async drain(): Promise<void> {
    while (this.pending !== undefined && !this.stopped) {
      const body = this.pending;
      this.pending = undefined;
      try {
        await this.write(body);
      } catch (error) {
        const permission =
          "The token in 'github-token' needs `issues: write` for an issue, or `pull-requests: write` for a pull " +
          'request: add it to the `permissions:` of the workflow or job.';
        this.warnOnce(
          `Could not write the status comment on #${this.settings.statusIssue} in ${this.context.repository}: ` +
            describeFailure(error, this.context.apiUrl, permission),
        );
        if (isRefusal(error)) this.stopped = true;
      }
    }
    this.sending = undefined;
  }

  private async write(body: string): Promise<void> {
    const { owner, repo } = this;
    if (!this.comment) {
      this.comment = await this.find();
      if (this.comment && !this.stopped)
        this.log.text(`Status comment (of an earlier attempt of this run): ${this.comment.url}`);
    }
    if (this.comment) {
      try {
        await (await this.octokit()).rest.issues.updateComment({ owner, repo, comment_id: this.comment.id, body });
        return;
      } catch (error) {
        if (!isNotFound(error)) throw error;
        // Someone deleted the comment while the loop runs: this update writes a new one. If that fails too, it is
        // the issue that is gone, and the failure stops the updates.
        if (!this.stopped) this.log.text(`The status comment ${this.comment.url} was deleted: writing a new one.`);
        this.comment = undefined;
      }
    }
    const created = await (
      await this.octokit()
    ).rest.issues.createComment({
      owner,
      repo,
      issue_number: this.settings.statusIssue!,
      body,
    });
    this.comment = { id: created.data.id, url: created.data.html_url };
    if (!this.stopped) this.log.text(`Status comment: ${created.data.html_url}`);
  }

  /**
   * The comment of this loop and workflow run, written by an earlier attempt of the run. The marker can be computed
   * from public data, so a comment that carries it counts only when the token itself wrote it: anyone else's would put
   * the loop's status under their name, where they could edit it.
   */
  private async find(): Promise<{ id: number; url: string } | undefined> {
    const marker = statusMarker(this.context, this.settings.prompt);
    let pages = 0;
    const octokit = await this.octokit();
    const comments = octokit.paginate.iterator(octokit.rest.issues.listComments, {
      owner: this.owner,
      repo: this.repo,
      issue_number: this.settings.statusIssue!,
      per_page: 100,
    });
    for await (const page of comments) {
      for (const comment of page.data) {
        if (!(comment.body ?? '').startsWith(marker)) continue;
        const author = comment.user?.login ?? '';
        if (author.toLowerCase() === (await this.ownLogin())) return { id: comment.id, url: comment.html_url };
        this.log.text(`Not taking over ${comment.html_url} as the status comment: ${author || 'nobody'} wrote it.`);
      }
      if (++pages >= MAX_PAGES) break;
    }
    return undefined;
  }

  /**
   * Whose comments are the token's own, lower-cased. `GET /user` names the user of a personal access token. The
   * Actions GITHUB_TOKEN may not call it (GitHub answers 403 "Resource not accessible by integration") and writes as
   * `github-actions[bot]`; so does every failure fall back to that bot, whose comments here come only from the
   * repository's own workflows. Another GitHub App's token falls back too: a re-run then writes a new comment instead
   * of taking over its own, which is the safe side.
   */
  private ownLogin(): Promise<string> {
    this.login ??= this.octokit()
      .then((octokit) => octokit.rest.users.getAuthenticated())
      .then(
        ({ data }) => data.login.toLowerCase(),
        () => ACTIONS_BOT,
      );
    return this.login;
  }

  private warnOnce(message: string): void {
    if (this.warned || this.stopped) return;
    this.warned = true;
    this.log.warning(message);
  }
}
