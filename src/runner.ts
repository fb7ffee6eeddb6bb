/**
 * Runs one configured loop on any host: finds Claude Code, builds its environment, opens the work tree and the
 * transcript, continues a saved loop or starts a new one, and wires `LoopDeps` to real processes. The host (the
 * Actions or the terminal front end) gives it a log, an environment, a signal, its directories and its words, and
 * gets a `LoopOutcome` back.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeCheckEnd } from './core/check.js';
import { runCheck } from './system/check-command.js';
import {
  buildClaudeArgs,
  buildClaudeEnv,
  claudeCredential,
  withoutCredentials,
  type CredentialStandIn,
  type EnvironmentWords,
} from './claude/claude-cli.js';
import {
  locateClaude,
  SetupCancelledError,
  type ClaudeExecutable,
  type SetupProblem,
} from './claude/claude-install.js';
import { runClaudeProcess } from './claude/claude-process.js';
import type { Log } from './core/log.js';
import type { LoopConfig } from './core/settings.js';
import { formatEvent } from './claude/live-log.js';
import {
  earlierRuns,
  pausedByUsageLimit,
  resumeDecision,
  type LoopIdentity,
  type LoopState,
} from './core/loop-state.js';
import { runLoop, type LoopDeps } from './core/loop.js';
import { minutesOf, type Describe, type StopCause } from './core/stop-cause.js';
import {
  describeDenials,
  failedBeforeStart,
  stoppedBeforeStart,
  formatCost,
  type IterationRecord,
  type LoopOutcome,
} from './core/outcome.js';
import { ProcessMarker } from './system/process-sweep.js';
import { sandboxSettingsJson } from './claude/sandbox-settings.js';
import { prepareSandboxTools } from './system/sandbox-tools.js';
import { ANTHROPIC_API, CredentialProxy } from './system/credential-proxy.js';
import { claudeConfigDir, loadState, StateStore } from './system/state-store.js';
import { Transcript } from './claude/transcript.js';
import { shorten } from './text/text.js';
import type { Secrets } from './text/untrusted-text.js';
import { isoTime } from './core/failure.js';
import { NotAGitWorkTreeError, Workspace } from './system/workspace.js';
import { SecretGuard } from './system/secret-guard.js';

/** How the host says what the shared layers report: where the loop runs, and its settings as its user gives them. */
export interface HostWords extends EnvironmentWords {
  /** Where the loop runs, for Claude's system prompt: "a GitHub Actions job". */
  where: string;
  /** A problem setting up Claude Code, naming the host's settings (claude-path, claude-version). */
  setup(problem: SetupProblem): string;
  /** The working directory is not inside a git work tree; `detail` is what git said. */
  notAWorkTree(directory: string, detail: string): string;
  /** The setting that names the state directory, with its value: "'state-dir' (X)". */
  stateDir(directory: string): string;
}

export interface RunnerHost {
  log: Log;
  words: HostWords;
  /** Where installed versions of Claude Code are kept, in @actions/tool-cache's layout. */
  toolCacheDir: string;
  /**
   * The cache is the user's own, so one that another user could write is refused. Not a runner's: its cache is the
   * runner's, which a job in a container may not own.
   */
  privateToolCache?: boolean;
  /** The environment the action runs in; Claude and the programs we run get it without our secrets. */
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  secrets: Secrets;
  /** Where the transcript goes. */
  tempDir: string;
  /** Directories that Claude's tools must not reach under the sandbox (e.g. the runner's, with step scripts). */
  privateDirectories?: string[];
  /** Names the transcript file. */
  runId: string;
  /** Which loop this is: a saved state must match it. */
  identity: LoopIdentity;
  /** When this run started (milliseconds since the epoch): the time limit counts from here. */
  startedAt: number;
  /** Says why the loop stopped in the host's words: the outcome's `reason`, the saved state's. */
  describe: Describe;
  /** Told after every iteration, e.g. for a live status comment. */
  onIterationEnded?(record: IterationRecord): void;
}

export async function runConfiguredLoop(config: Readonly<LoopConfig>, host: RunnerHost): Promise<LoopOutcome> {
  const outcome = (await stillPaused(config, host)) ?? (await runLoopOnce(config, host));
  // Claude runs on an OAuth token (configured, or the environment's without an API key): on a subscription.
  const credential = config.provider === 'anthropic' ? claudeCredential(config, host.env) : undefined;
  return { ...outcome, subscription: credential?.kind === 'oauth' };
}

/**
 * A loop that a usage limit paused, in a run that starts before the reset: it ends at once, before Claude Code is
 * looked for or installed, and the saved state stays as it is.
 */
async function stillPaused(config: Readonly<LoopConfig>, host: RunnerHost): Promise<LoopOutcome | undefined> {
  if (config.stateDir === '') return undefined;
  const paused = pausedByUsageLimit(await loadState(config.stateDir), host.identity, Date.now());
  if (paused === undefined) return undefined;
  const { state, resetsAt } = paused;
  host.log.text(
    `State directory ${config.stateDir}: the loop is paused by the usage limit until ${isoTime(resetsAt)}; ` +
      'this run ends without starting Claude.',
  );
  const cause: StopCause = { kind: 'usage_paused', resetsAt, runs: state.runs, earlierReason: state.reason };
  return {
    ...stoppedBeforeStart(cause, host.describe(cause), config.maxIterations),
    sessionId: state.sessionId,
    lastGate: state.lastGate,
    earlier: earlierRuns(state),
    stateSaved: true,
    resetsAt,
  };
}

/** What one run opens and must close however it ends, and what it learns on the way. */
interface OpenRun {
  /** Claude and the check carry it: what they leave running outside their process group is found by it. */
  marker: ProcessMarker;
  /** Stops what the marker finds, saying so; `after` names what left it. */
  sweep(after: string): Promise<void>;
  proxy?: CredentialProxy;
  transcript?: Transcript;
  stateSaved: boolean;
  secretFound: boolean;
}

/** The search for the CLI, started before the work tree is opened. */
interface Locating {
  claude: Promise<ClaudeExecutable>;
  /** Stops the search (and an install), and waits for it to end, when the run ends before it needs the CLI. */
  giveUp(): Promise<void>;
  /** Fires when setting up has used the time limit; undefined without one. */
  outOfTime: AbortSignal | undefined;
}

async function runLoopOnce(config: Readonly<LoopConfig>, host: RunnerHost): Promise<LoopOutcome> {
  const toolEnv = withoutCredentials(
    host.env,
    [config.githubToken, config.anthropicApiKey, config.claudeCodeOauthToken],
    host.words.withheld,
  );
  const locating = startLocating(config, host, toolEnv);
  let workspace: Workspace;
  try {
    workspace = await Workspace.open(config.workingDirectory, toolEnv);
  } catch (error) {
    await locating.giveUp();
    const message =
      error instanceof NotAGitWorkTreeError
        ? host.words.notAWorkTree(error.directory, error.detail)
        : (error as Error).message;
    return failedBeforeStart(message, config.maxIterations);
  }
  const run = openRun(host.log);
  try {
    return await runInWorkTree(config, host, { toolEnv, workspace, locating, run });
  } catch (error) {
    if (error instanceof SetupCancelledError) {
      const cause: StopCause =
        locating.outOfTime?.aborted && !host.signal.aborted
          ? setupOutOfTime(config, { at: 'setup', what: 'claude', during: error.during })
          : { kind: 'cancelled_setup', what: 'claude' };
      return stoppedBeforeStart(cause, host.describe(cause), config.maxIterations);
    }
    return { ...failedBeforeStart((error as Error).message, config.maxIterations), stateSaved: run.stateSaved };
  } finally {
    await run.sweep('Claude or the check');
    await run.proxy?.close();
    await run.transcript?.close();
    workspace.dispose();
  }
}

/**
 * The CLI and the work tree are looked up at the same time: each mostly waits for a program (`claude --version`,
 * git), and the first iteration needs both. A work tree that is no good stops the search for the CLI (and an
 * install of it), so that nothing is left running when the host reports it.
 */
function startLocating(config: Readonly<LoopConfig>, host: RunnerHost, toolEnv: Record<string, string>): Locating {
  const setup = new AbortController();
  // Setting up counts toward the time limit: a stalled npm install or a slow `claude --version` is stopped at it.
  const setupTimeLeft = config.timeLimitMs === undefined ? undefined : host.startedAt + config.timeLimitMs - Date.now();
  const outOfTime = setupTimeLeft === undefined ? undefined : AbortSignal.timeout(Math.max(0, setupTimeLeft));
  const claude = locateClaude(
    config.claudePath,
    config.claudeVersion,
    toolEnv,
    host.log.text,
    AbortSignal.any([host.signal, setup.signal, ...(outOfTime ? [outOfTime] : [])]),
    {
      fromPath: config.claudeFromPath,
      warning: host.log.warning,
      toolCacheDir: host.toolCacheDir,
      privateToolCache: host.privateToolCache,
      tempDir: host.tempDir || os.tmpdir(),
      describe: host.words.setup,
    },
  );
  // Its failure is read once the work tree is open; until then it must not count as unhandled.
  claude.catch(() => undefined);
  const giveUp = async (): Promise<void> => {
    setup.abort();
    await claude.catch(() => undefined);
  };
  return { claude, giveUp, outOfTime };
}

function openRun(log: Log): OpenRun {
  // Claude and the check carry this run's marker: what they leave running outside their process group (`nohup cmd &`,
  // `setsid cmd`) is found by it and stopped when the iteration or the check ends, however it ends.
  const marker = new ProcessMarker();
  const sweep = async (after: string): Promise<void> => {
    const killed = await marker.sweep();
    if (killed > 0) log.text(`Stopped ${killed} background process(es) left running by ${after}.`);
  };
  return { marker, sweep, stateSaved: false, secretFound: false };
}

/** The open work tree, the CLI being looked for, and what the run holds open. */
interface WorkTree {
  toolEnv: Record<string, string>;
  workspace: Workspace;
  locating: Locating;
  run: OpenRun;
}

/** Everything the iterations and the check run with, once set up. */
interface RunSetup extends WorkTree {
  claudePath: string;
  /** The sandbox's --settings JSON; undefined without the sandbox. */
  settings: string | undefined;
  /** Claude's environment. */
  env: Record<string, string>;
  store: StateStore | undefined;
  transcript: Transcript;
}

/** Sets up the sandbox, the CLI, the proxy and the saved state, then continues the saved loop or starts one. */
async function runInWorkTree(config: Readonly<LoopConfig>, host: RunnerHost, tree: WorkTree): Promise<LoopOutcome> {
  const { log } = host;
  let settings: string | undefined;
  if (config.sandbox) {
    const sandbox = await setUpSandbox(config, host, tree.toolEnv, tree.locating.outOfTime);
    if (typeof sandbox !== 'string') {
      await tree.locating.giveUp();
      return sandbox;
    }
    settings = sandbox;
  }
  const claude = await tree.locating.claude;
  log.text(`Using Claude Code ${claude.version} from ${claude.source} (${claude.path})`);
  const standIn = await startProxy(config, host, tree.run);
  const runningAsRoot = process.getuid?.() === 0;
  const { env, notes } = buildClaudeEnv(config, host.env, runningAsRoot, host.words, standIn);
  for (const note of notes) log.text(note);

  const store =
    config.stateDir === ''
      ? undefined
      : new StateStore(config.stateDir, claudeConfigDir(env), config.workingDirectory, host.secrets);
  const saved = store ? await savedLoop(store, host.identity, log) : undefined;
  const transcript = new Transcript(
    path.join(host.tempDir || os.tmpdir(), `autonomous-loop-${host.runId}-${Date.now()}.jsonl`),
    host.secrets,
    log.warning,
  );
  tree.run.transcript = transcript;

  const deps = loopDeps(config, host, { ...tree, claudePath: claude.path, settings, env, store, transcript });
  const deadline = config.timeLimitMs === undefined ? undefined : host.startedAt + config.timeLimitMs;
  const outcome = await runLoop(config, deps, host.signal, { identity: host.identity, saved, deadline });
  if (store) await discardBadState(store, saved, outcome, tree.run, log);
  return { ...outcome, stateSaved: tree.run.stateSaved };
}

/**
 * Claude gets a stand-in for the credential, good only at this proxy and only while the run lasts. A cloud provider
 * signs in with the job's cloud credentials, to its own endpoint: no proxy stands in for those.
 */
async function startProxy(
  config: Readonly<LoopConfig>,
  host: RunnerHost,
  run: OpenRun,
): Promise<CredentialStandIn | undefined> {
  const credential = config.provider === 'anthropic' ? claudeCredential(config, host.env) : undefined;
  if (!credential) return undefined;
  const proxy = await CredentialProxy.start({
    credential,
    upstream: host.env.ANTHROPIC_BASE_URL || ANTHROPIC_API,
    warning: host.log.warning,
    proxyEnv: host.env,
  });
  run.proxy = proxy;
  host.secrets.add(proxy.token);
  host.log.text(
    `Claude holds a stand-in ${credential.kind === 'api-key' ? 'API key' : 'OAuth token'}, good only at ` +
      `${proxy.url} during this run; the proxy sends its requests on to ${proxy.upstreamOrigin}.`,
  );
  return { kind: credential.kind, token: proxy.token, baseUrl: proxy.url };
}

/** After the loop: a saved state that a later run must not continue is discarded. */
async function discardBadState(
  store: StateStore,
  saved: LoopState | undefined,
  outcome: LoopOutcome,
  run: OpenRun,
  log: Log,
): Promise<void> {
  if (saved && outcome.savedSessionFailed) {
    // Not found where it was put back (a naming of the CLI's project directory we did not foresee), or refused by
    // the API: resuming again would fail the same way in every later run, so the next one starts a new loop.
    await store.discard().catch(() => undefined);
    run.stateSaved = false;
    log.warning(
      `Claude Code could not resume the saved session ${saved.sessionId} (${shorten(outcome.reason, 500)}); the saved state in ` +
        `${store.dir} is discarded, and the next run starts a new loop.`,
    );
  }
  if (run.secretFound) {
    // The loop did not save its leaking work; a state saved by an earlier iteration or run would still have a
    // later run continue the conversation that led to it, as if nothing happened: the next run starts anew.
    await store.discard().catch(() => undefined);
    run.stateSaved = false;
    log.warning(`A secret was found in the loop's work: the saved state in ${store.dir} is discarded.`);
  }
}

/** Wires the loop to real processes: Claude, the check, git, the state store and the host's log. */
function loopDeps(config: Readonly<LoopConfig>, host: RunnerHost, setup: RunSetup): LoopDeps {
  const { workspace, run } = setup;
  const guard = new SecretGuard(workspace, host.secrets);
  return {
    transcriptFile: () => setup.transcript.path,
    runIteration: iterationRunner(config, host, setup),
    runCheck: checkRunner(config, host, setup),
    fingerprint: () => workspace.fingerprint(),
    countChangedFiles: (from, to) => workspace.countChangedFiles(from, to),
    findSecrets: async (from, to) => {
      const places = await guard.find(from, to);
      run.secretFound ||= places.length > 0;
      return places;
    },
    sleep,
    now: Date.now,
    describe: host.describe,
    saveState: stateSaver(config, host, setup.store, run),
    log: iterationLog(host),
  };
}

function iterationRunner(config: Readonly<LoopConfig>, host: RunnerHost, setup: RunSetup): LoopDeps['runIteration'] {
  const { log } = host;
  const { transcript, run } = setup;
  return (request) => {
    transcript.markRun(request.number, request.attempt);
    return runClaudeProcess({
      executable: setup.claudePath,
      args: buildClaudeArgs(config, request, host.words.where, setup.settings),
      env: run.marker.mark(setup.env),
      cwd: config.workingDirectory,
      prompt: request.prompt,
      timeoutMs: request.timeoutMs,
      signal: host.signal,
      transcript,
      secrets: host.secrets,
      onEvent: (event) => {
        const line = formatEvent(event);
        if (line !== undefined) log.text(line);
      },
    }).finally(() => run.sweep(`Claude in iteration ${request.number}`));
  };
}

function checkRunner(config: Readonly<LoopConfig>, host: RunnerHost, setup: RunSetup): LoopDeps['runCheck'] {
  const { log } = host;
  const { run } = setup;
  return async (number, timeoutMs) => {
    log.startGroup(`Check after iteration ${number}: ${config.checkCommand}`);
    const check = await runCheck({
      command: config.checkCommand,
      cwd: config.workingDirectory,
      env: run.marker.mark(setup.toolEnv),
      timeoutMs,
      signal: host.signal,
      secrets: host.secrets,
      onLine: log.text,
    }).finally(() => run.sweep('the check'));
    log.endGroup();
    const end = describeCheckEnd(check, timeoutMs);
    log.text(
      `Check after iteration ${number}: ${check.passed ? 'passed' : `failed (${end})`}, ${(check.durationMs / 1000).toFixed(1)} s`,
    );
    return check;
  };
}

function stateSaver(
  config: Readonly<LoopConfig>,
  host: RunnerHost,
  store: StateStore | undefined,
  run: OpenRun,
): LoopDeps['saveState'] {
  const { log } = host;
  let saveWarned = false;
  return async (state) => {
    if (!store) return;
    try {
      for (const removed of await store.save(state)) log.warning(removed);
      run.stateSaved = true;
    } catch (error) {
      run.stateSaved = false;
      // Said once: the same cause (a full disk, a read-only directory) would repeat after every iteration.
      if (!saveWarned) {
        log.warning(
          `Could not save the loop's state in ${host.words.stateDir(config.stateDir)}: ${(error as Error).message}. ` +
            'A later run cannot continue from this point.',
        );
      }
      saveWarned = true;
    }
  };
}

function iterationLog(host: RunnerHost): LoopDeps['log'] {
  const { log } = host;
  return {
    startIteration: (number, max) => log.startGroup(`Iteration ${number} of ${max}`),
    endIteration: (record, verdict) => {
      log.endGroup();
      const cost = `${record.costKnown ? '' : 'at least '}$${formatCost(record.costUsd)}`;
      const denied = describeDenials(record.deniedTools);
      log.text(
        `Iteration ${record.number}: ${(record.durationMs / 1000).toFixed(1)} s, ${record.turns} turns, ` +
          `${record.toolCalls} tool calls${denied ? ` (denied: ${denied})` : ''}, ${cost}, ` +
          `${record.changed ? 'files changed' : 'no file changes'} → ${verdict}`,
      );
      host.onIterationEnded?.(record);
    },
    warning: log.warning,
  };
}

/** The --settings JSON that turns the sandbox on, once its tools work; else the outcome that ends the run. */
async function setUpSandbox(
  config: Readonly<LoopConfig>,
  host: RunnerHost,
  toolEnv: Record<string, string>,
  outOfTime: AbortSignal | undefined,
): Promise<string | LoopOutcome> {
  const tools = await prepareSandboxTools({
    env: toolEnv,
    // Installing its tools is set-up too: it counts toward the time limit.
    signal: AbortSignal.any([host.signal, ...(outOfTime ? [outOfTime] : [])]),
    log: host.log.text,
    platform: process.platform,
    runningAsRoot: process.getuid?.() === 0,
  });
  if (!tools.ready) {
    if (!tools.cancelled) return failedBeforeStart(`The sandbox cannot run: ${tools.reason}`, config.maxIterations);
    const cause: StopCause =
      outOfTime?.aborted && !host.signal.aborted
        ? setupOutOfTime(config, { at: 'setup', what: 'sandbox', during: '' })
        : { kind: 'cancelled_setup', what: 'sandbox' };
    return stoppedBeforeStart(cause, host.describe(cause), config.maxIterations);
  }
  const policy = { allowedDomains: config.allowedDomains, privateDirectories: host.privateDirectories ?? [] };
  try {
    const settings = sandboxSettingsJson(config.claudeArgs, policy, (file) =>
      readFileSync(path.resolve(config.workingDirectory, file), 'utf8'),
    );
    const hosts = config.allowedDomains.length > 0 ? config.allowedDomains.join(', ') : 'none';
    host.log.text(`Claude's commands run in Claude Code's sandbox; hosts they may reach: ${hosts}.`);
    return settings;
  } catch (error) {
    return failedBeforeStart((error as Error).message, config.maxIterations);
  }
}

function setupOutOfTime(
  config: Readonly<LoopConfig>,
  when: Extract<StopCause, { kind: 'time_limit' }>['when'],
): StopCause {
  return { kind: 'time_limit', minutes: minutesOf(config.timeLimitMs ?? 0), when };
}

/** The saved loop to continue, with its session put back where the CLI finds it; undefined: a new loop. */
async function savedLoop(store: StateStore, identity: LoopIdentity, log: Log): Promise<LoopState | undefined> {
  const decision = resumeDecision(await store.load(), identity);
  if (!decision.resume) {
    const message = `State directory ${store.dir}: ${decision.why}.`;
    if (decision.warn) log.warning(message);
    else log.text(message);
    return undefined;
  }
  const { state } = decision;
  try {
    await store.restoreSession(state);
  } catch (error) {
    log.warning(
      `State directory ${store.dir}: Claude's session could not be restored (${(error as Error).message}): ` +
        'starting a new loop.',
    );
    return undefined;
  }
  log.text(
    `Continuing the loop saved in ${store.dir}: run ${state.runs + 1}, ${state.iterations} iterations and ` +
      `${state.costKnown ? '' : 'at least '}$${formatCost(state.costUsd)} so far, session ${state.sessionId}, ` +
      `last status ${state.status}.`,
  );
  return state;
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
