/**
 * `--provider`, read together with the environment, as the action reads its `provider` input (the facts are
 * core/providers.ts's). On a terminal a cloud's credentials may come from the machine's own configuration (an AWS
 * profile, gcloud's application-default login), so a credential missing from the environment is a warning only.
 */
import { existsSync, statSync } from 'node:fs';
import {
  missingSettings,
  PROVIDER_NAMES,
  PROVIDER_SWITCHES,
  switchedOnProviders,
  unsupportedSwitchesOn,
} from '../core/providers.js';
import { PROVIDERS, type Provider } from '../core/settings.js';
import { UsageError } from './flag-values.js';
import { howToSet } from './provider-words.js';

/** @param given the flag's value ('' when not given: the Anthropic API, unless the environment turns a cloud on) */
export function readProviderFlag(given: string, env: NodeJS.ProcessEnv, warnings: string[]): Provider {
  if (given !== '' && !(PROVIDERS as readonly string[]).includes(given)) {
    throw new UsageError(`--provider is '${given}'; expected one of: ${PROVIDERS.join(', ')}.`);
  }
  const unsupported = unsupportedSwitchesOn(env);
  if (unsupported.length > 0) {
    throw new UsageError(
      `Your environment turns on ${unsupported.join(', ')}, a provider autonomous-loop does not support: unset it, ` +
        `and pass --provider with one of: ${PROVIDERS.join(', ')}.`,
    );
  }
  const switched = switchedOnProviders(env);
  if (switched.length > 1) {
    throw new UsageError(
      `Your environment turns on more than one provider (${switched.map((p) => PROVIDER_SWITCHES[p]).join(', ')}): ` +
        'unset all but one, or all of them and pass --provider.',
    );
  }
  const provider = switched[0] ?? ((given || 'anthropic') as Provider);
  if (given !== '' && given !== 'anthropic' && given !== provider) {
    throw new UsageError(
      `--provider is '${given}', but your environment sets ${PROVIDER_SWITCHES[switched[0]]} for '${provider}': ` +
        'drop one of the two.',
    );
  }
  for (const missing of missingSettings(provider, env)) {
    const message = `--provider ${provider} needs ${missing.needs} in the environment`;
    if (!missing.credential) throw new UsageError(`${message}: ${howToSet(missing)}.`);
    warnings.push(
      `${message}; going on: the CLI may sign in to ${PROVIDER_NAMES[provider]} from your own setup (${howToSet(missing)}).`,
    );
  }
  const credentialsFile = provider === 'vertex' ? (env.GOOGLE_APPLICATION_CREDENTIALS ?? '') : '';
  if (credentialsFile !== '' && !(existsSync(credentialsFile) && statSync(credentialsFile).isFile())) {
    throw new UsageError(
      `--provider vertex reads the file that GOOGLE_APPLICATION_CREDENTIALS names, but '${credentialsFile}' is not a file.`,
    );
  }
  return provider;
}
