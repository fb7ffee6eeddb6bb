/**
 * The `open-issue-on` report: an issue that says the loop stopped, or a comment on the open issue of the same loop.
 * Rendering is pure; `openOrUpdateIssue` is the only I/O and never throws, because a report must not change the
 * loop's status, outputs or exit code.
 */
import type { Log } from '../core/log.js';
import { ISSUE_TEXT } from '../text/bounds.js';
import { createHash } from 'node:crypto';
import { plainClient } from './github-client.js';
import { totalCost, totalIterations, type LoopOutcome, type LoopStatus } from '../core/outcome.js';
import { continueHint, failedCheck } from './report.js';
import { oneLine, shorten } from '../text/text.js';
import { codeFence, markdownInline, type Secrets } from '../text/untrusted-text.js';

export interface IssueContext {
  serverUrl: string;
  apiUrl: string;
  /** owner/repo */
  repository: string;
  workflow: string;
  job: string;
  runId: string;
}

export interface IssueOptions {
  token: string;
  labels: readonly string[];
  prompt: string;
  /** Every secret the action holds: none of them goes into a title, a body or a comment. */
  secrets: Secrets;
  /** On abort, the request under way is given up (its reason is the warning's): the report must not hang. */
  signal?: AbortSignal;
}

/** The lines the GitHub calls write. */
export type IssueLog = Pick<Log, 'text' | 'warning'>;

/** GitHub rejects bodies above 65,536 characters; stay well below. */
export const MAX_BODY_LENGTH = 60_000;
export const MAX_TASK_LENGTH = 4_000;
const MAX_BLOCKER_LENGTH = 500;
const MAX_BLOCKERS_LENGTH = 20_000;
const MAX_TITLE_LENGTH = 200;
/** Open issues looked at when searching for the loop's own (100 per page). */
const MAX_PAGES = 10;

export function shouldOpenIssue(status: LoopStatus, openIssueOn: readonly LoopStatus[]): boolean {
  return openIssueOn.includes(status);
}

export function issueContextFromEnv(env: NodeJS.ProcessEnv): IssueContext {
  const value = (name: string, fallback = ''): string => (env[name] ?? '').trim() || fallback;
  return {
    serverUrl: value('GITHUB_SERVER_URL', 'https://github.com').replace(/\/+$/, ''),
    apiUrl: value('GITHUB_API_URL', 'https://api.github.com').replace(/\/+$/, ''),
    repository: value('GITHUB_REPOSITORY'),
    workflow: value('GITHUB_WORKFLOW'),
    job: value('GITHUB_JOB'),
    runId: value('GITHUB_RUN_ID'),
  };
}

/** The short id of "the same loop": same repository, workflow, job and task. */
export function loopId(context: IssueContext, prompt: string): string {
  return createHash('sha256')
    .update([context.repository, context.workflow, context.job, prompt].join('\0'))
    .digest('hex')
    .slice(0, 16);
}

/** Hidden in the issue body; only hex digits inside, so nothing can close it early. */
export function loopMarker(context: IssueContext, prompt: string): string {
  return `<!-- autonomous-loop:${loopId(context, prompt)} -->`;
}

export function runUrl(context: IssueContext): string {
  return `${context.serverUrl}/${context.repository}/actions/runs/${context.runId}`;
}

export function renderIssueTitle(outcome: LoopOutcome): string {
  const count = `${outcome.iterations} ${outcome.iterations === 1 ? 'iteration' : 'iterations'}`;
  const what =
    outcome.status === 'failed'
      ? `failed: ${oneLine(outcome.reason) || 'failed'}`
      : `stopped: ${statusWords(outcome.status)}`;
  return shorten(`Autonomous loop ${what}`, MAX_TITLE_LENGTH - count.length - 3) + ` (${count})`;
}

export function renderIssue(
  outcome: LoopOutcome,
  prompt: string,
  context: IssueContext,
): { title: string; body: string } {
  const task = shorten(prompt.trim(), MAX_TASK_LENGTH);
  const trimmedNote =
    task.length < prompt.trim().length ? `, trimmed to ${MAX_TASK_LENGTH.toLocaleString('en-US')}` : '';
  const fence = codeFence(task);
  const body = [
    loopMarker(context, prompt),
    `The autonomous loop in workflow ${markdownInline(context.workflow || 'unknown', 200)}, job ${markdownInline(context.job || 'unknown', 200)} stopped with status \`${outcome.status}\`.`,
    '',
    renderDetails(outcome, context),
    '',
    '<details>',
    `<summary>Task (${prompt.trim().length.toLocaleString('en-US')} characters${trimmedNote})</summary>`,
    '',
    fence,
    task,
    fence,
    '',
    '</details>',
    '',
    'A later stop of the same loop (same repository, workflow, job and task) adds a comment here while this issue is open.',
  ].join('\n');
  return { title: renderIssueTitle(outcome), body: shorten(body, MAX_BODY_LENGTH) };
}

/** What a repeated stop of the same loop adds to its open issue. */
export function renderIssueComment(outcome: LoopOutcome, context: IssueContext): string {
  const body = [`The loop stopped again with status \`${outcome.status}\`.`, '', renderDetails(outcome, context)].join(
    '\n',
  );
  return shorten(body, MAX_BODY_LENGTH);
}

function renderDetails(outcome: LoopOutcome, context: IssueContext): string {
  const gate = outcome.lastGate;
  const lines = [
    `- **Status:** \`${outcome.status}\` (${statusWords(outcome.status)})`,
    `- **Reason:** ${markdownInline(outcome.reason, ISSUE_TEXT) || '_none given_'}`,
  ];
  if (gate?.reason) lines.push(`- **Claude's last assessment:** ${markdownInline(gate.reason, ISSUE_TEXT)}`);
  lines.push(
    `- **Progress:** ${markdownInline(gate?.progress ?? '', ISSUE_TEXT) || '_none reported_'}`,
    `- **Iterations:** ${outcome.iterations} of ${outcome.maxIterations}`,
    `- **Cost:** ${outcome.costKnown ? '' : 'at least '}$${outcome.costUsd.toFixed(4)} USD`,
    ...(outcome.earlier
      ? [
          `- **Whole loop:** run ${outcome.earlier.runs + 1}, ${totalIterations(outcome)} iterations, ` +
            `${totalCost(outcome).known ? '' : 'at least '}$${totalCost(outcome).usd.toFixed(4)} USD`,
        ]
      : []),
    `- **Files changed:** ${outcome.filesChanged ?? 'unknown'}`,
    `- **Session id:** ${outcome.sessionId ? `\`${outcome.sessionId.replace(/[^\w.:-]/g, '')}\`` : '_none_'}`,
    `- **Workflow run:** ${runUrl(context)}`,
    '',
    '### Blockers',
    '',
    renderBlockers(gate?.blockers ?? []),
    ...failedCheck(outcome),
  );
  const hint = continueHint(outcome);
  if (hint) lines.push('', hint);
  return lines.join('\n');
}

/** The blockers as a Markdown list (a task list in the issue), bounded; "None reported." without any. */
export function renderBlockers(
  blockers: readonly string[],
  bullet = '- [ ] ',
  maxLength = MAX_BLOCKERS_LENGTH,
): string {
  const items = blockers.map((blocker) => markdownInline(blocker, MAX_BLOCKER_LENGTH)).filter((item) => item !== '');
  if (items.length === 0) return 'None reported.';
  const lines: string[] = [];
  let length = 0;
  for (const item of items) {
    const line = `${bullet}${item}`;
    if (length + line.length > maxLength) {
      lines.push(`- ... and ${items.length - lines.length} more`);
      break;
    }
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join('\n');
}

/**
 * Opens an issue, or comments on the open one of the same loop (found by its marker among the open issues
 * with the first label). Returns undefined, after a warning, when GitHub says no or cannot be reached.
 */
export async function openOrUpdateIssue(
  outcome: LoopOutcome,
  options: IssueOptions,
  context: IssueContext,
  log: IssueLog,
): Promise<{ number: number; url: string } | undefined> {
  const [owner, repo] = context.repository.split('/');
  if (!owner || !repo) {
    log.warning(`Could not open an issue: GITHUB_REPOSITORY is "${context.repository}", expected owner/repo.`);
    return undefined;
  }
  if (options.token === '') {
    log.warning("Could not open an issue: the input 'github-token' is empty.");
    return undefined;
  }
  // No secret goes into the text, even if the task quotes one. The outcome was redacted already; this pass also
  // covers the task and anything a renderer adds.
  const redact = (text: string): string => options.secrets.redact(text);
  const marker = loopMarker(context, options.prompt);
  let step = 'look for an open issue of this loop';
  try {
    const { signal } = options;
    const octokit = await plainClient(options.token, context.apiUrl, signal && (() => signal));
    let existing: { number: number; html_url: string } | undefined;
    let pages = 0;
    const search = octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
      owner,
      repo,
      state: 'open',
      per_page: 100,
      ...(options.labels.length > 0 ? { labels: options.labels[0] } : {}),
    });
    for await (const page of search) {
      existing = page.data.find((issue) => !issue.pull_request && (issue.body ?? '').includes(marker));
      if (existing || ++pages >= MAX_PAGES) break;
    }

    if (existing) {
      step = `comment on issue #${existing.number}`;
      await octokit.rest.issues.createComment({
        owner,
        repo,
        issue_number: existing.number,
        body: redact(renderIssueComment(outcome, context)),
      });
      log.text(`Commented on the open issue of this loop: ${existing.html_url}`);
      return { number: existing.number, url: existing.html_url };
    }

    step = 'open an issue';
    const { title, body } = renderIssue(outcome, options.prompt, context);
    const created = await octokit.rest.issues.create({
      owner,
      repo,
      title: redact(title),
      body: redact(body),
      labels: [...options.labels],
    });
    log.text(`Opened issue #${created.data.number}: ${created.data.html_url}`);
    return { number: created.data.number, url: created.data.html_url };
  } catch (error) {
    const permission =
      "The token in 'github-token' needs `issues: write`: add it to the `permissions:` of the workflow or job.";
    log.warning(`Could not ${step} in ${context.repository}: ${describeFailure(error, context.apiUrl, permission)}`);
    return undefined;
  }
}

/** What went wrong with a GitHub API request, in words; `permission` says what a 403 or 404 likely lacks. */
export function describeFailure(error: unknown, apiUrl: string, permission: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const fields = typeof error === 'object' && error !== null ? (error as { status?: unknown; response?: unknown }) : {};
  if (typeof fields.status !== 'number') return message;
  // Octokit reports a network failure as status 500 without a response.
  if (fields.response === undefined) return `could not reach the GitHub API at ${apiUrl} (${message}).`;
  const status = fields.status;
  if (/rate limit/i.test(message)) return `GitHub's rate limit refused the request (${status}: ${message}).`;
  if (status === 403 || status === 404) return `GitHub answered ${status} (${message}). ${permission}`;
  if (status === 401) return `GitHub answered 401 (${message}): the token in 'github-token' is not valid.`;
  if (status === 410) return `GitHub answered 410 (${message}): issues are disabled in this repository.`;
  return `GitHub answered ${status} (${message}).`;
}

function statusWords(status: LoopStatus): string {
  return status.replace(/_/g, ' ');
}
