/**
 * The action's secrets out of its own /proc/<pid>/environ (see `scrub-environ.ts`): the credential inputs, the
 * runner's tokens and the CLI's credentials by name, and any variable that holds one of them (a job's
 * `env: GH_TOKEN: ${{ secrets.GITHUB_TOKEN }}`) by value. Run once the inputs are read.
 */
import { scrubInitialEnvironment } from '../system/scrub-environ.js';
import type { Secrets } from '../text/untrusted-text.js';

const SECRET_VARIABLES = new Set([
  'INPUT_ANTHROPIC-API-KEY',
  'INPUT_CLAUDE-CODE-OAUTH-TOKEN',
  'INPUT_GITHUB-TOKEN',
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'ANTHROPIC_API_KEY',
  'CLAUDE_CODE_OAUTH_TOKEN',
  'ANTHROPIC_AUTH_TOKEN',
]);

export function scrubActionEnvironment(secrets: Secrets, log: (message: string) => void): void {
  const result = scrubInitialEnvironment(
    (name, value) => SECRET_VARIABLES.has(name) || (value !== '' && secrets.redact(value) !== value),
  );
  const where = `/proc/${process.pid}/environ`;
  if ('skipped' in result) {
    log(`Could not overwrite the secrets in ${where} (${result.skipped}): a process of this user can read them there.`);
  } else if (result.scrubbed.length > 0) {
    log(`Overwrote ${result.scrubbed.length} secret variables in ${where}: ${result.scrubbed.join(', ')}.`);
  }
}
