/**
 * Why the loop stopped, in the Action's words: the settings are named as the workflow's inputs ('max-budget-usd'),
 * the credentials as the inputs that hold them. These texts are the `reason` output and the summary's reason.
 */
import { PROVIDER_NAMES } from '../core/providers.js';
import { AUTH_HINTS } from './provider-input.js';
import {
  describeMoment,
  describePlaces,
  describeTimeLimitWhen,
  isPlain,
  plainWords,
  type Denials,
  type StopCause,
} from '../core/stop-cause.js';
import { describeDenials, formatCost } from '../core/outcome.js';

export function describeForActions(cause: StopCause): string {
  if (isPlain(cause)) return plainWords(cause);
  switch (cause.kind) {
    case 'cancelled':
      return `The job was cancelled during iteration ${cause.iteration}.`;
    case 'cancelled_setup':
      return `The job was cancelled while the action was setting up ${cause.what === 'claude' ? 'Claude Code' : 'the sandbox'}.`;
    case 'time_limit':
      return `This run reached its time limit ('time-limit-minutes': ${cause.minutes}) ${describeTimeLimitWhen(cause.when)}`;
    case 'iteration_timeout':
      return `Iteration ${cause.iteration} ran longer than 'iteration-timeout-minutes' (${cause.minutes}) and was stopped.`;
    case 'budget': {
      const spent = `${cause.costKnown ? '' : 'at least '}$${formatCost(cause.spentUsd)}`;
      const how = cause.cliStop ? `; the CLI stopped at what was left of it (${cause.cliStop})` : '';
      return withDenials(
        `The loop has cost ${spent}, reaching 'max-budget-usd' ($${cause.limitUsd})${how}.`,
        cause.denials,
      );
    }
    case 'breaker': {
      const reason = withDenials(cause.tripReason, cause.denials);
      if (cause.checkEnd === undefined) return reason;
      return `${reason}: Claude reported the task complete, but the check command failed (${cause.checkEnd}).`;
    }
    case 'auth':
      return authReason(cause);
    case 'secret_leak':
      return secretLeakReason(cause.places, describeMoment(cause.when));
    default:
      return unworded(cause);
  }
}

/** A loop that stopped short while the permission mode denied Claude's tool calls says so: that is likely why. */
function withDenials(reason: string, denials: Denials | undefined): string {
  const denied = denials ? describeDenials(denials.deniedTools) : '';
  if (denied === '') return reason;
  return (
    `${reason.replace(/\.$/, '')}. Under permission-mode '${denials!.permissionMode}' the CLI denied Claude's tool calls: ${denied}; ` +
    `allow them with 'allowed-tools' or choose another 'permission-mode'.`
  );
}

function authReason(cause: Extract<StopCause, { kind: 'auth' }>): string {
  const code = cause.status ? ` (${cause.status})` : '';
  if (cause.provider !== undefined) {
    const { provider } = cause;
    return `${PROVIDER_NAMES[provider]} did not accept the credentials${code}: ${AUTH_HINTS[provider]}. The CLI said: ${cause.cliSaid}`;
  }
  if (cause.credential === 'none') {
    return (
      "Claude Code has no credentials: set the 'anthropic-api-key' or 'claude-code-oauth-token' input. If you " +
      'did, from a secret, it came out empty: the secret has not been created (or has another name), or the run ' +
      'has no access to it (a pull request from a fork, or a Dependabot run, which only sees Dependabot secrets). ' +
      `The CLI said: ${cause.cliSaid}`
    );
  }
  const input =
    cause.credential === 'oauth-token'
      ? "'claude-code-oauth-token'"
      : cause.credential === 'api-key'
        ? "'anthropic-api-key'"
        : "'anthropic-api-key' or 'claude-code-oauth-token'";
  return `The Anthropic API rejected the API key or token${code}: check the ${input} input. The CLI said: ${cause.cliSaid}`;
}

/** Names where (never what), says what to do, and that nothing left through the action. */
function secretLeakReason(places: readonly string[], when: string): string {
  return (
    `A secret the action holds (a credential, as it is or in base64) was found ${when} in what the loop changed: ` +
    `${describePlaces(places)}. Revoke that credential and make a new one: whatever wrote it there had it. Nothing ` +
    'was published by the action: the loop stopped before it could complete, and saved no state to continue from.'
  );
}

/** Never called: a new kind of cause without words here fails the type check. */
function unworded(cause: never): never {
  throw new Error(`No words for the stop cause ${JSON.stringify(cause)}`);
}
