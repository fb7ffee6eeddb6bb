/**
 * The `provider` input, read together with the job's environment: a job may turn a cloud on with the CLI's own
 * switch, and the settings that cloud needs are checked before anything runs. The facts are core/providers.ts's;
 * the words here name the action's inputs.
 */
import { existsSync, statSync } from 'node:fs';
import {
  missingSettings,
  PROVIDER_NAMES,
  PROVIDER_SWITCHES,
  switchedOnProviders,
  unsupportedSwitchesOn,
  type CloudProvider,
  type MissingSetting,
} from '../core/providers.js';
import { PROVIDERS, type Provider } from '../core/settings.js';
import { InputError } from './input-error.js';

/**
 * @param input the `provider` input as given ('' or `anthropic`: the Anthropic API, unless the environment turns a
 *   cloud on: the runner fills in the default, so an explicit `anthropic` cannot be told apart from none)
 * @param warnings gets what the user should know but that does not stop the run
 */
export function readProvider(input: string, env: NodeJS.ProcessEnv, warnings: string[]): Provider {
  const given = input || 'anthropic';
  if (!(PROVIDERS as readonly string[]).includes(given)) {
    throw new InputError(`Input 'provider' is "${input}"; expected one of: ${PROVIDERS.join(', ')}.`);
  }
  const unsupported = unsupportedSwitchesOn(env);
  if (unsupported.length > 0) {
    throw new InputError(
      `The job's env turns on ${unsupported.join(', ')}, a provider this action does not support: remove it, and ` +
        `set the input 'provider' to one of: ${PROVIDERS.join(', ')}.`,
    );
  }
  const switched = switchedOnProviders(env);
  if (switched.length > 1) {
    throw new InputError(
      `The job's env turns on more than one provider (${switched.map((p) => PROVIDER_SWITCHES[p]).join(', ')}): ` +
        "keep one, or none and set the input 'provider'.",
    );
  }
  let provider = given as Provider;
  if (switched.length === 1) {
    if (provider !== 'anthropic' && provider !== switched[0]) {
      throw new InputError(
        `Input 'provider' is "${provider}", but the job's env sets ${PROVIDER_SWITCHES[switched[0]]} for ` +
          `'${switched[0]}': remove one of the two.`,
      );
    }
    provider = switched[0];
  }
  const chosenBy = given === provider ? '' : ` (chosen by ${PROVIDER_SWITCHES[switched[0]]} in the job's env)`;
  checkSettings(provider, env, warnings, chosenBy);
  return provider;
}

function checkSettings(provider: Provider, env: NodeJS.ProcessEnv, warnings: string[], chosenBy: string): void {
  // On a self-hosted runner the machine may sign in itself (an EC2 instance role, the GCE metadata server).
  const selfHosted = env.RUNNER_ENVIRONMENT === 'self-hosted';
  for (const missing of missingSettings(provider, env)) {
    const message = `provider '${provider}'${chosenBy} needs ${missing.needs}: ${howToSet(missing)}.`;
    if (!missing.credential || !selfHosted) throw new InputError(message);
    warnings.push(
      `${message} Going on: on a self-hosted runner the machine itself may sign in to ${PROVIDER_NAMES[provider]}.`,
    );
  }
  const credentialsFile = provider === 'vertex' ? (env.GOOGLE_APPLICATION_CREDENTIALS ?? '') : '';
  if (credentialsFile !== '' && !(existsSync(credentialsFile) && statSync(credentialsFile).isFile())) {
    throw new InputError(
      `provider 'vertex' needs the file that GOOGLE_APPLICATION_CREDENTIALS names, but "${credentialsFile}" is not ` +
        'a file: run google-github-actions/auth earlier in this same job (the file stays on the runner that wrote it).',
    );
  }
}

/** How a job sets what its provider lacks: with the cloud's own sign-in action, or in the job's env. */
export function howToSet(missing: MissingSetting): string {
  switch (missing.kind) {
    case 'aws-region':
      return "set aws-region in aws-actions/configure-aws-credentials (it exports AWS_REGION), or AWS_REGION in the job's env";
    case 'aws-credentials':
      return (
        'run aws-actions/configure-aws-credentials with role-to-assume before this step (the job needs ' +
        'permissions: id-token: write)'
      );
    case 'vertex-project':
      return `set ${missing.absent.length === 1 ? 'it' : 'them'} in the job's env after google-github-actions/auth`;
    case 'google-credentials':
      return (
        'run google-github-actions/auth with workload_identity_provider and service_account before this step ' +
        '(it sets the variable; the job needs permissions: id-token: write)'
      );
    case 'foundry-endpoint':
      return (
        "set one in the job's env: the resource name (<resource> in https://<resource>.services.ai.azure.com), " +
        'or the whole base URL ending in /anthropic'
      );
  }
}

/** What to check when the provider turned the job's credentials down. */
export const AUTH_HINTS: Readonly<Record<CloudProvider, string>> = {
  bedrock:
    'check the role that aws-actions/configure-aws-credentials assumed (it must allow bedrock:InvokeModel and ' +
    'bedrock:InvokeModelWithResponseStream on the model) and AWS_REGION',
  vertex:
    'check the service account that google-github-actions/auth signed in as (it needs roles/aiplatform.user in ' +
    'ANTHROPIC_VERTEX_PROJECT_ID) and that the model is enabled in the Model Garden',
  foundry: 'check ANTHROPIC_FOUNDRY_API_KEY, or the Entra ID sign-in and its role on the Foundry resource',
};
