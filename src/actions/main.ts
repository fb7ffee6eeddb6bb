/**
 * Wires the pieces together, handles the runner's cancellation signals, and is the only place that decides whether
 * the step fails. Every path, including invalid inputs and cancellation, ends with all outputs and a job summary.
 *
 * Everything this file prints goes through the one door for untrusted text (`untrusted-text.ts`): plain lines
 * through `LogDoor.text`, annotations through `LogDoor.annotation`, and the outcome is redacted once before any
 * report is made of it.
 */
import { getInput, setSecret } from '@actions/core';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Log } from '../core/log.js';
import type { LoopConfig } from '../core/settings.js';
import { cloudCredentialSecrets } from '../core/providers.js';
import { actionLog, failStep } from './action-log.js';
import { refuseUntrustedActor } from './actor-check.js';
import { InputError, inputNamesFromEnv, readInputs } from './inputs.js';
import { issueContextFromEnv, openOrUpdateIssue, runUrl, shouldOpenIssue } from './issue.js';
import { failedBeforeStart, formatCost, type LoopOutcome } from '../core/outcome.js';
import { outcomeOutputs, renderSummary, type IssueRef } from './report.js';
import { runConfiguredLoop } from '../runner.js';
import { describeForActions } from './describe.js';
import { ACTIONS_WORDS, actionsToolCacheDir } from './host-words.js';
import { StatusComment } from './status-comment.js';
import { StepReport } from './step-report.js';
import { scrubActionEnvironment } from './action-environ.js';
import { finalCallsBudgetMs, finalCallsSignal } from './final-calls.js';
import { killAllGroups } from '../system/process-group.js';
import { shorten } from '../text/text.js';
import { LogDoor, Secrets } from '../text/untrusted-text.js';
import { LOG_TEXT } from '../text/bounds.js';

export async function run(): Promise<void> {
  const cancel = new AbortController();
  // The runner's second signal (SIGTERM, 2.5 s before it kills the step): the GitHub requests at the end give up.
  const hardStop = new AbortController();
  const secrets = actionSecrets();
  const door = new LogDoor(secrets, (text) => process.stdout.write(text));
  const log = actionLog(door, secrets);
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!cancel.signal.aborted) log.warning(`Received ${signal}: stopping Claude and reporting the loop as cancelled.`);
    else {
      // The runner kills this process next, and what runs in groups of its own would outlive it: no grace left.
      killAllGroups('SIGKILL');
      hardStop.abort(new Error(`the runner sent ${signal} after the cancellation`));
    }
    cancel.abort(new Error(`the job was cancelled (${signal})`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await runAction(cancel.signal, hardStop.signal, secrets, door, log);
  } finally {
    // A window left open would keep the runner from reading the commands of every later step.
    door.closeWindow();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * Every secret the action holds: the credential inputs, the runner's own tokens in its environment, and the cloud
 * credentials a login step put there (Claude gets those when it runs on a cloud provider).
 */
function actionSecrets(): Secrets {
  return new Secrets([
    getInput('anthropic-api-key'),
    getInput('claude-code-oauth-token'),
    getInput('github-token'),
    process.env.ACTIONS_RUNTIME_TOKEN,
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN,
    // A job may give the CLI its credential through the environment instead of an input.
    process.env.ANTHROPIC_API_KEY,
    process.env.CLAUDE_CODE_OAUTH_TOKEN,
    process.env.ANTHROPIC_AUTH_TOKEN,
    ...cloudCredentialSecrets(process.env, (file) => readFileSync(file, 'utf8')),
  ]);
}

async function runAction(
  signal: AbortSignal,
  hardStop: AbortSignal,
  secrets: Secrets,
  door: LogDoor,
  log: Log,
): Promise<void> {
  // The time limit counts from here: setting up Claude Code is part of the run.
  const startedAt = Date.now();
  const workspaceRoot = process.env.GITHUB_WORKSPACE || process.cwd();
  const step = new StepReport(log);
  let config: Readonly<LoopConfig>;
  try {
    config = readInputs({ getInput, setSecret, inputNames: () => inputNamesFromEnv(process.env) }, workspaceRoot);
  } catch (error) {
    const message = error instanceof InputError ? error.message : `Could not read the inputs: ${String(error)}`;
    report(step, failedBeforeStart(message), undefined, secrets, door);
    failStep(door, message);
    return;
  }
  for (const warning of config.warnings) log.warning(warning);
  // Before anything runs that could read them from /proc/<pid>/environ: Claude's tools, the check.
  scrubActionEnvironment(secrets, log.text);
  // Before anything is installed, run or written to GitHub: a refused actor gets no comment and no issue either.
  const refused = await refuseUntrustedActor(config, process.env, signal, log);
  if (refused) {
    report(step, refused, undefined, secrets, door);
    failStep(door, refused.reason);
    return;
  }
  const status = StatusComment.start(config, issueContextFromEnv(process.env), secrets, log);

  // From here on nothing from Claude, a tool or the repository reaches a report unredacted.
  const loopOutcome = await runConfiguredLoop(config, {
    log,
    words: ACTIONS_WORDS,
    toolCacheDir: actionsToolCacheDir(process.env, os.tmpdir()),
    env: process.env,
    signal,
    secrets,
    tempDir: process.env.RUNNER_TEMP || os.tmpdir(),
    // Step scripts, and since actions/checkout v6 its persisted credentials; the job's actions (actions/checkout's
    // post step runs with the token), which must not be Claude's to rewrite.
    privateDirectories: [
      ...(process.env.RUNNER_TEMP ? [process.env.RUNNER_TEMP] : []),
      ...(process.env.RUNNER_WORKSPACE ? [path.join(path.dirname(process.env.RUNNER_WORKSPACE), '_actions')] : []),
    ],
    runId: process.env.GITHUB_RUN_ID ?? 'local',
    identity: {
      repository: process.env.GITHUB_REPOSITORY || 'local',
      workingDirectory: path.relative(workspaceRoot, config.workingDirectory) || '.',
    },
    startedAt,
    describe: describeForActions,
    onIterationEnded: (record) => status?.iterationEnded(record),
  });
  const outcome = secrets.redactDeep(loopOutcome);
  // The outputs and the summary come first: GitHub may be slow or hang, and the runner kills the step seconds after
  // a cancellation. They are written again below once the issue and the comment are known.
  report(step, outcome, undefined, secrets, door, status?.url);
  const deadline = config.timeLimitMs === undefined ? undefined : startedAt + config.timeLimitMs;
  // A cancellation that comes while they run ends them; after one, they get until the runner's second signal.
  const cancelled = signal.aborted;
  const finalCalls = finalCallsSignal(
    finalCallsBudgetMs(Date.now(), deadline, cancelled),
    cancelled ? hardStop : AbortSignal.any([signal, hardStop]),
  );
  let issue: IssueRef | undefined;
  // A run that a saved usage limit ended before it began has nothing new for the issue: an hourly schedule would
  // comment every hour until the reset.
  const stillPaused = outcome.status === 'usage_limited' && outcome.iterations === 0;
  if (shouldOpenIssue(outcome.status, config.openIssueOn) && !stillPaused && !signal.aborted) {
    issue = await openOrUpdateIssue(
      outcome,
      // A continued loop keeps its issue: the issue is found by the task the loop started with.
      {
        token: config.githubToken,
        labels: config.issueLabels,
        prompt: outcome.earlier?.prompt ?? config.prompt,
        secrets,
        signal: finalCalls,
      },
      issueContextFromEnv(process.env),
      log,
    );
  }
  const commentUrl = await status?.finish(outcome, issue, finalCalls);
  if (issue || commentUrl) report(step, outcome, issue, secrets, door, commentUrl);

  // A reason can hold a whole error output (git's stderr, say): the log and an annotation get its start.
  const reason = shorten(outcome.reason, LOG_TEXT);
  log.text(
    `Autonomous loop: ${outcome.status} after ${outcome.iterations} of ${outcome.maxIterations} iterations, ` +
      `${outcome.costKnown ? '' : 'at least '}$${formatCost(outcome.costUsd)}: ${reason}`,
  );
  if (config.failOn.includes(outcome.status)) {
    failStep(door, `The loop ended with status ${outcome.status} (listed in 'fail-on'): ${reason}`);
  } else if (outcome.status !== 'completed') {
    log.warning(`The loop ended with status ${outcome.status}: ${reason}`);
  }
}

/** Sets the outputs and writes the job summary; a second call updates what changed. */
function report(
  step: StepReport,
  outcome: LoopOutcome,
  issue: IssueRef | undefined,
  secrets: Secrets,
  door: LogDoor,
  statusCommentUrl?: string,
): void {
  // Without GITHUB_OUTPUT (a local run) @actions/core prints each output as a set-output command.
  door.closeWindow();
  const outputs = outcomeOutputs(outcome, issue, statusCommentUrl);
  step.setOutputs(Object.fromEntries(Object.entries(outputs).map(([name, value]) => [name, secrets.redact(value)])));
  const context = issueContextFromEnv(process.env);
  const link = context.repository && context.runId ? runUrl(context) : '';
  step.writeSummary(secrets.redact(renderSummary(outcome, issue, link)));
}
