/**
 * Wires the pieces together, handles the runner's cancellation signals, and is the only place that decides whether
 * the step fails. Every path, including invalid inputs and cancellation, ends with all outputs and a job summary.
 */
import * as core from '@actions/core';
import os from 'node:os';
import path from 'node:path';
import { buildClaudeArgs, buildClaudeEnv, withoutSecrets } from './claude-cli.js';
import { locateClaude } from './claude-install.js';
import { runClaudeProcess } from './claude-process.js';
import { InputError, inputNamesFromEnv, readInputs, type LoopConfig } from './inputs.js';
import { issueContextFromEnv, openOrUpdateIssue } from './issue.js';
import { formatEvent } from './live-log.js';
import { runLoop, type LoopDeps } from './loop.js';
import { failedBeforeStart, type LoopOutcome } from './outcome.js';
import { formatCost, outcomeOutputs, renderSummary, type IssueRef } from './report.js';
import { Transcript } from './transcript.js';
import { Workspace } from './workspace.js';

export async function run(): Promise<void> {
  const cancel = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!cancel.signal.aborted)
      core.warning(`Received ${signal}: stopping Claude and reporting the loop as cancelled.`);
    cancel.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await runAction(cancel.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function runAction(signal: AbortSignal): Promise<void> {
  let config: Readonly<LoopConfig>;
  try {
    const inputs = { ...core, inputNames: () => inputNamesFromEnv(process.env) };
    config = readInputs(inputs, process.env.GITHUB_WORKSPACE || process.cwd());
  } catch (error) {
    const message = error instanceof InputError ? error.message : `Could not read the inputs: ${String(error)}`;
    await report(failedBeforeStart(message));
    core.setFailed(message);
    return;
  }
  for (const warning of config.warnings) core.warning(warning);

  const outcome = await runConfiguredLoop(config, signal);
  let issue: IssueRef | undefined;
  if (config.openIssueOn.includes(outcome.status) && !signal.aborted) {
    issue = await openOrUpdateIssue(
      outcome,
      { token: config.githubToken, labels: config.issueLabels, prompt: config.prompt },
      issueContextFromEnv(process.env),
      { info: core.info, warning: core.warning },
    );
  }
  await report(outcome, issue);

  core.info(
    `Autonomous loop: ${outcome.status} after ${outcome.iterations} of ${outcome.maxIterations} iterations, ` +
      `$${formatCost(outcome.costUsd)}: ${outcome.reason}`,
  );
  if (config.failOn.includes(outcome.status)) {
    core.setFailed(`The loop ended with status ${outcome.status} (listed in 'fail-on'): ${outcome.reason}`);
  } else if (outcome.status !== 'completed') {
    core.warning(`The loop ended with status ${outcome.status}: ${outcome.reason}`);
  }
}

async function runConfiguredLoop(config: Readonly<LoopConfig>, signal: AbortSignal): Promise<LoopOutcome> {
  let workspace: Workspace;
  try {
    workspace = await Workspace.open(config.workingDirectory);
  } catch (error) {
    return failedBeforeStart((error as Error).message, config.maxIterations);
  }
  let transcript: Transcript | undefined;
  try {
    const secrets = [config.githubToken, config.anthropicApiKey, config.claudeCodeOauthToken];
    const toolEnv = withoutSecrets(process.env, secrets).env;
    const claude = await locateClaude(config.claudePath, config.claudeVersion, toolEnv, core.info);
    core.info(`Using Claude Code ${claude.version} from ${claude.source} (${claude.path})`);

    const runningAsRoot = process.getuid?.() === 0;
    const { env, notes } = buildClaudeEnv(config, process.env, runningAsRoot);
    for (const note of notes) core.info(note);

    const runTranscript = new Transcript(
      path.join(
        process.env.RUNNER_TEMP || os.tmpdir(),
        `autonomous-loop-${process.env.GITHUB_RUN_ID ?? 'local'}-${Date.now()}.jsonl`,
      ),
      core.warning,
    );
    transcript = runTranscript;

    const deps: LoopDeps = {
      transcriptFile: () => runTranscript.path,
      runIteration: (request) => {
        runTranscript.markRun(request.number, request.attempt);
        return runClaudeProcess({
          executable: claude.path,
          args: buildClaudeArgs(config, request),
          env,
          cwd: config.workingDirectory,
          prompt: request.prompt,
          timeoutMs: request.timeoutMs,
          signal,
          transcript: runTranscript.stream,
          onEvent: (event) => {
            const line = formatEvent(event);
            if (line !== undefined) core.info(line);
          },
        });
      },
      fingerprint: () => workspace.fingerprint(),
      countChangedFiles: (from, to) => workspace.countChangedFiles(from, to),
      sleep,
      log: {
        startIteration: (number, max) => core.startGroup(`Iteration ${number} of ${max}`),
        endIteration: (record, verdict) => {
          core.endGroup();
          core.info(
            `Iteration ${record.number}: ${(record.durationMs / 1000).toFixed(1)} s, ${record.turns} turns, ` +
              `${record.toolCalls} tool calls, ` +
              `$${formatCost(record.costUsd)}, ${record.changed ? 'files changed' : 'no file changes'} → ${verdict}`,
          );
        },
        warning: core.warning,
      },
    };
    return await runLoop(config, deps, signal);
  } catch (error) {
    return failedBeforeStart((error as Error).message, config.maxIterations);
  } finally {
    await transcript?.close();
    workspace.dispose();
  }
}

async function report(outcome: LoopOutcome, issue?: IssueRef): Promise<void> {
  for (const [name, value] of Object.entries(outcomeOutputs(outcome, issue))) core.setOutput(name, value);
  if (process.env.GITHUB_STEP_SUMMARY) {
    try {
      await core.summary.addRaw(renderSummary(outcome, issue), true).write({ overwrite: false });
    } catch (error) {
      core.warning(`Could not write the job summary: ${(error as Error).message}`);
    }
  } else {
    core.info(renderSummary(outcome, issue));
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
