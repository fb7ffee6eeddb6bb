/**
 * Who may start the loop. On every event but those only a writer or the repository's schedule starts, the actor who
 * triggered the run needs write, maintain or admin permission on it, or a place in `allowed-actors`; anyone else is refused
 * before Claude Code is installed or run. The decisions are pure (`decideBeforeLookup`, `decideOnPermission`);
 * `refuseUntrustedActor` asks GitHub for the permission, and fails closed when it cannot.
 */
import { endedBeforeStart, failedBeforeStart, type LoopOutcome } from '../core/outcome.js';
import type { LoopConfig } from '../core/settings.js';
import { resilientClient } from './github-client.js';
import { describeFailure, issueContextFromEnv, type IssueLog } from './issue.js';

/**
 * Events that only someone with write access to the repository, or its own schedule, can start. Every other event is
 * checked, not only those above: `workflow_run` carries a fork's pull request, and GitHub adds events.
 */
export const TRUSTED_EVENTS: readonly string[] = [
  'push',
  'schedule',
  'workflow_dispatch',
  'workflow_call',
  'repository_dispatch',
  'merge_group',
  'create',
  'delete',
  'release',
];

/** `permission` holds GitHub's legacy base roles (maintain reads as write); `role_name` the role itself. */
const WRITE_PERMISSIONS = ['admin', 'write'];
const WRITE_ROLES = ['admin', 'maintain', 'write'];

/** Retries of the lookup after a server error or a lost connection (after 1 s, then 4 s). */
const RETRIES = 2;
/** The lookup, retries included, gives up after this long: the run must not hang on it. */
const LOOKUP_TIMEOUT_MS = 30_000;

/** What the token needs for `GET /repos/{owner}/{repo}/collaborators/{username}/permission`. */
export const LOOKUP_PERMISSION =
  "The token in 'github-token' needs the repository permission `Metadata: read` to read an actor's permission: " +
  "the job's GITHUB_TOKEN always has it, whatever its `permissions:`; a fine-grained or GitHub App token must be " +
  "given it; a personal access token's user needs push access to the repository (a classic one, the `repo` scope). " +
  "Or list the actor in 'allowed-actors'.";

export type ActorDecision =
  | { kind: 'allowed'; note: string | undefined }
  | { kind: 'refused'; reason: string }
  | { kind: 'lookup'; actor: string };

/** What GitHub said of the actor: its permission and role, or `undefined` when it answered 404 (none). */
export interface FoundPermission {
  permission: string;
  roleName: string;
}

/** The actor GitHub names for the run: who re-ran it, else who started it. */
export function triggeringActor(env: NodeJS.ProcessEnv): string {
  return (env.GITHUB_TRIGGERING_ACTOR ?? '').trim() || (env.GITHUB_ACTOR ?? '').trim();
}

/** Whether the event settles it, `allowed-actors` lets the actor in, or GitHub must be asked. */
export function decideBeforeLookup(eventName: string, actor: string, allowedActors: readonly string[]): ActorDecision {
  // No event at all: a run outside GitHub Actions (a local test of the action), where nobody else's text comes in.
  if (eventName === '' || TRUSTED_EVENTS.includes(eventName)) return { kind: 'allowed', note: undefined };
  if (actor === '') {
    return {
      kind: 'refused',
      reason:
        `This ${eventName} run names no actor (GITHUB_TRIGGERING_ACTOR and GITHUB_ACTOR are empty), so nobody can ` +
        'be checked for write permission: the loop does not run.',
    };
  }
  if (allowedActors.includes(actor.toLowerCase())) {
    return { kind: 'allowed', note: `The actor ${actor} is listed in 'allowed-actors': the loop may run.` };
  }
  return { kind: 'lookup', actor };
}

/** Write, maintain and admin may start the loop; anything less (or nothing: `found` undefined) is refused. */
export function decideOnPermission(
  eventName: string,
  actor: string,
  repository: string,
  found: FoundPermission | undefined,
): ActorDecision {
  const what = describePermission(found);
  const writes =
    found !== undefined &&
    (WRITE_PERMISSIONS.includes(found.permission.toLowerCase()) || WRITE_ROLES.includes(found.roleName.toLowerCase()));
  if (writes) return { kind: 'allowed', note: `The actor ${actor} has ${what} on ${repository}: the loop may run.` };
  return {
    kind: 'refused',
    reason:
      `The actor ${actor} who triggered this ${eventName} run has ${what} on ${repository}: on this event the loop ` +
      "runs only for actors with write, maintain or admin permission, or those listed in 'allowed-actors'.",
  };
}

function describePermission(found: FoundPermission | undefined): string {
  if (found === undefined) return 'no permission (GitHub knows no access of theirs)';
  const permission = found.permission || 'none';
  const role = found.roleName && found.roleName.toLowerCase() !== permission.toLowerCase() ? found.roleName : '';
  return `permission "${permission}"${role ? ` (role "${role}")` : ''}`;
}

/** Test hooks: shorter waits. */
export interface ActorCheckTiming {
  /** What one second of a retry wait lasts, in ms (1000). */
  retryAfterBaseMs?: number;
}

/**
 * Runs the check for this run; returns the outcome to report when the loop must not run, else undefined. Never
 * throws: a lookup that fails refuses the run, saying what the token needs.
 */
export async function refuseUntrustedActor(
  config: Pick<LoopConfig, 'githubToken' | 'allowedActors' | 'maxIterations'>,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
  log: IssueLog,
  timing: ActorCheckTiming = {},
): Promise<LoopOutcome | undefined> {
  const eventName = (env.GITHUB_EVENT_NAME ?? '').trim();
  const first = decideBeforeLookup(eventName, triggeringActor(env), config.allowedActors);
  if (first.kind === 'refused') return failedBeforeStart(first.reason, config.maxIterations);
  if (first.kind === 'allowed') {
    if (first.note) log.text(first.note);
    return undefined;
  }

  const { actor } = first;
  const context = issueContextFromEnv(env);
  const [owner, repo] = context.repository.split('/');
  const cannot = `Could not check whether the actor ${actor} who triggered this ${eventName} run may start the loop`;
  if (config.githubToken === '') {
    return failedBeforeStart(
      `${cannot}: the input 'github-token' is empty. ${LOOKUP_PERMISSION}`,
      config.maxIterations,
    );
  }
  if (!owner || !repo) {
    return failedBeforeStart(
      `${cannot}: GITHUB_REPOSITORY is "${context.repository}", expected owner/repo.`,
      config.maxIterations,
    );
  }

  let found: FoundPermission | undefined;
  try {
    found = await lookUpPermission(config.githubToken, context.apiUrl, owner, repo, actor, signal, timing);
  } catch (error) {
    if (signal.aborted) {
      return endedBeforeStart('cancelled', 'Cancelled while checking who triggered the run.', config.maxIterations);
    }
    // `describeFailure` adds the permission only to a 403 or 404; every failed lookup says it here.
    const failure = describeFailure(error, context.apiUrl, '').trim();
    return failedBeforeStart(
      `${cannot} (the loop does not run unchecked): ${failure} ${LOOKUP_PERMISSION}`,
      config.maxIterations,
    );
  }
  const decision = decideOnPermission(eventName, actor, context.repository, found);
  if (decision.kind === 'refused') return failedBeforeStart(decision.reason, config.maxIterations);
  if (decision.kind === 'allowed' && decision.note) log.text(decision.note);
  return undefined;
}

/** The actor's permission, or undefined when GitHub answers 404 (no access at all, or no such user). */
async function lookUpPermission(
  token: string,
  apiUrl: string,
  owner: string,
  repo: string,
  username: string,
  signal: AbortSignal,
  timing: ActorCheckTiming,
): Promise<FoundPermission | undefined> {
  const base = timing.retryAfterBaseMs ?? 1000;
  const refuseRateLimit = (): boolean => false;
  const octokit = await resilientClient(token, {
    baseUrl: apiUrl,
    retry: { retries: RETRIES, retryAfterBaseValue: base },
    // A rate limit fails the lookup, and so the run, at once: the check is one request, not worth a long wait.
    throttle: { onRateLimit: refuseRateLimit, onSecondaryRateLimit: refuseRateLimit, retryAfterBaseValue: base },
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({
      owner,
      repo,
      username,
      request: { signal: AbortSignal.any([signal, AbortSignal.timeout(LOOKUP_TIMEOUT_MS)]) },
    });
    return { permission: String(data.permission ?? ''), roleName: String(data.role_name ?? '') };
  } catch (error) {
    const fields = error as { status?: unknown; response?: unknown };
    if (fields.status === 404 && fields.response !== undefined) return undefined;
    throw error;
  }
}
