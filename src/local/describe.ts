/**
 * Why the loop stopped, in the terminal's words: the settings are named as the command's flags (--max-budget-usd),
 * the credentials as the environment variables it reads, or the CLI's own login.
 */
import { PROVIDER_NAMES } from '../core/providers.js';
import { AUTH_HINTS } from './provider-words.js';
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

export function describeForTerminal(cause: StopCause): string {
  if (isPlain(cause)) return plainWords(cause);
  switch (cause.kind) {
    case 'cancelled':
      return `The loop was interrupted during iteration ${cause.iteration}.`;
    case 'cancelled_setup':
      return `The loop was interrupted while setting up ${cause.what === 'claude' ? 'Claude Code' : 'the sandbox'}.`;
    case 'time_limit':
      return `This run reached its time limit (--time-limit-minutes ${cause.minutes}) ${describeTimeLimitWhen(cause.when)}`;
    case 'iteration_timeout':
      return `Iteration ${cause.iteration} ran longer than --iteration-timeout-minutes (${cause.minutes}) and was stopped.`;
    case 'budget': {
      const spent = `${cause.costKnown ? '' : 'at least '}$${formatCost(cause.spentUsd)}`;
      const how = cause.cliStop ? `; the CLI stopped at what was left of it (${cause.cliStop})` : '';
      return withDenials(
        `The loop has cost ${spent}, reaching --max-budget-usd ($${cause.limitUsd})${how}.`,
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

function withDenials(reason: string, denials: Denials | undefined): string {
  const denied = denials ? describeDenials(denials.deniedTools) : '';
  if (denied === '') return reason;
  return (
    `${reason.replace(/\.$/, '')}. Under --permission-mode ${denials!.permissionMode} the CLI denied Claude's tool calls: ${denied}; ` +
    'allow them with --allowed-tools or choose another --permission-mode.'
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
      'Claude Code has no credentials: set ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN in the environment, or log ' +
      `in with the CLI (claude, then /login). The CLI said: ${cause.cliSaid}`
    );
  }
  const variable =
    cause.credential === 'oauth-token'
      ? 'CLAUDE_CODE_OAUTH_TOKEN'
      : cause.credential === 'api-key'
        ? 'ANTHROPIC_API_KEY'
        : 'ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN (or the login of the CLI)';
  return `The Anthropic API rejected the API key or token${code}: check ${variable}. The CLI said: ${cause.cliSaid}`;
}

/** Names where (never what), and says what to do. */
function secretLeakReason(places: readonly string[], when: string): string {
  return (
    `A secret the loop holds (a credential, as it is or in base64) was found ${when} in what the loop changed: ` +
    `${describePlaces(places)}. Revoke that credential and make a new one: whatever wrote it there had it. The loop ` +
    'stopped before it could complete, and saved no state to continue from.'
  );
}

/** Never called: a new kind of cause without words here fails the type check. */
function unworded(cause: never): never {
  throw new Error(`No words for the stop cause ${JSON.stringify(cause)}`);
}
