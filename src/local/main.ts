/**
 * The terminal front end: reads the flags, checks the work tree, runs the loop with the terminal as its host, and
 * reports it (a line per iteration, the final line, `--json`, `--summary`). Returns the exit code.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cloudCredentialSecrets } from '../core/providers.js';
import { runConfiguredLoop } from '../runner.js';
import { describeForTerminal } from './describe.js';
import type { Log } from '../core/log.js';
import type { LoopOutcome } from '../core/outcome.js';
import { killAllGroups } from '../system/process-group.js';
import { realPath } from '../system/real-path.js';
import { LOCAL_WORDS, localToolCacheDir } from './host-words.js';
import { Secrets } from '../text/untrusted-text.js';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, exitCodeFor } from './exit-code.js';
import { parseFlags, UsageError, type LocalCommand, type LocalOptions } from './flags.js';
import { HELP } from './help.js';
import { continueHint, finalLine, iterationLine, outputsJson, renderLocalSummary } from './report.js';
import { painter, terminalLog, useColour, type Paint } from './terminal.js';
import { terminalText } from '../text/untrusted-text.js';
import { repositoryOf } from './work-tree.js';

export interface LocalIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  version: string;
}

export async function main(argv: readonly string[], io: LocalIo): Promise<number> {
  let command: LocalCommand;
  try {
    command = parseFlags(argv, { cwd: io.cwd, env: io.env, repositoryOf });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`autonomous-loop: ${terminalText(error.message)}\nRun autonomous-loop --help for the flags.\n`);
    return EXIT_USAGE;
  }
  if (command.kind === 'help') {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  if (command.kind === 'version') {
    io.stdout.write(`${io.version}\n`);
    return EXIT_OK;
  }
  if (process.platform === 'win32') {
    io.stderr.write('autonomous-loop runs on Linux and macOS: on Windows it could not stop what Claude starts.\n');
    return EXIT_FAILED;
  }
  const { config, options, repository } = command;
  // With --json, stdout holds the JSON alone: everything for people goes to stderr.
  const human = options.json ? io.stderr : io.stdout;
  const paint = painter(useColour(human.isTTY, io.env));
  const secrets = new Secrets([
    io.env.ANTHROPIC_API_KEY,
    io.env.CLAUDE_CODE_OAUTH_TOKEN,
    io.env.ANTHROPIC_AUTH_TOKEN,
    ...cloudCredentialSecrets(io.env, (file) => readFileSync(file, 'utf8')),
  ]);
  const line = (text: string): void => void human.write(`${text}\n`);
  const log = terminalLog({ line, secrets, paint, quiet: options.quiet });
  for (const warning of config.warnings) log.warning(warning);

  const cancel = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (cancel.signal.aborted) {
      // A second Ctrl-C: the user does not want to wait for the report.
      io.stderr.write(`Received ${signal} again: exiting without the report.\n`);
      // Claude, npm and the check run in groups of their own, which the terminal's Ctrl-C does not reach.
      killAllGroups('SIGKILL');
      process.exit(EXIT_INTERRUPTED);
    }
    log.warning(`Received ${signal}: stopping Claude and reporting the loop as cancelled (Ctrl-C again to quit).`);
    cancel.abort(new Error(`interrupted (${signal})`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const startedAt = Date.now();
    const loopOutcome = await runConfiguredLoop(config, {
      log,
      words: LOCAL_WORDS,
      toolCacheDir: localToolCacheDir(io.env, os.homedir()),
      privateToolCache: true,
      env: io.env,
      signal: cancel.signal,
      secrets,
      // A folder of this run's own (mode 0700): another user can neither read the transcript nor take its name.
      tempDir: mkdtempSync(path.join(os.tmpdir(), 'autonomous-loop-')),
      runId: `local-${startedAt}-${process.pid}`,
      // A saved loop (--state-dir) is this repository's and this folder's in it.
      identity: { repository, workingDirectory: path.relative(repository, realPath(config.workingDirectory)) || '.' },
      startedAt,
      describe: describeForTerminal,
      onIterationEnded: (record) => line(iterationLine(secrets.redactDeep(record), config.maxIterations, paint)),
    });
    const outcome = secrets.redactDeep(loopOutcome);
    report(outcome, options, { line, paint, log, stdout: io.stdout });
    return exitCodeFor(outcome.status, options.failOn, cancel.signal.aborted);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** After the loop: the final line, how to continue, the summary file, the JSON. The outcome is redacted. */
function report(
  outcome: LoopOutcome,
  options: LocalOptions,
  out: { line(text: string): void; paint: Paint; log: Log; stdout: NodeJS.WriteStream },
): void {
  out.line(finalLine(outcome, out.paint));
  const hint = continueHint(outcome);
  if (hint !== undefined) out.line(`${out.paint('bold', 'To continue:')} ${hint}`);
  if (options.summaryFile !== undefined) {
    try {
      writeFileSync(options.summaryFile, renderLocalSummary(outcome));
      out.line(`Summary written to ${terminalText(options.summaryFile)}`);
    } catch (error) {
      // The loop has run: its outcome still decides the exit code.
      out.log.warning(`--summary: could not write ${options.summaryFile}: ${(error as Error).message}`);
    }
  }
  if (options.json) out.stdout.write(`${outputsJson(outcome)}\n`);
}
