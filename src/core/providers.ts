/**
 * The clouds through which Claude Code reaches Claude (Amazon Bedrock, Google Vertex AI, Microsoft Foundry): the
 * switch the CLI reads for each, what each needs from the environment, and which of those values are secret.
 * Pure: the adapters put these facts into their own words; a file is read only through the reader they pass in.
 */
import type { Provider } from './settings.js';

export type CloudProvider = Exclude<Provider, 'anthropic'>;

/** The variable that turns each provider on in the CLI. */
export const PROVIDER_SWITCHES: Readonly<Record<CloudProvider, string>> = {
  bedrock: 'CLAUDE_CODE_USE_BEDROCK',
  vertex: 'CLAUDE_CODE_USE_VERTEX',
  foundry: 'CLAUDE_CODE_USE_FOUNDRY',
};

export const PROVIDER_NAMES: Readonly<Record<Provider, string>> = {
  anthropic: 'the Anthropic API',
  bedrock: 'Amazon Bedrock',
  vertex: 'Google Vertex AI',
  foundry: 'Microsoft Foundry',
};

/**
 * Providers the pinned CLI knows that the action does not offer: newer, with no public setup for a CI job to follow,
 * and with credentials whose secret parts the action could not name for redaction.
 */
export const UNSUPPORTED_SWITCHES = [
  'CLAUDE_CODE_USE_GATEWAY',
  'CLAUDE_CODE_USE_ANTHROPIC_AWS',
  'CLAUDE_CODE_USE_MANTLE',
  'CLAUDE_CODE_USE_ANTHROPIC_GOOGLE_CLOUD',
] as const;

/** Anthropic credentials the CLI would read: with a cloud provider Claude has no use for them. */
export const ANTHROPIC_CREDENTIAL_VARIABLES = ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN'];

/** The short-lived cloud credentials: redacted wherever they could show. */
export const SECRET_VARIABLES = [
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_BEARER_TOKEN_BEDROCK',
  'ANTHROPIC_FOUNDRY_API_KEY',
  'ANTHROPIC_FOUNDRY_AUTH_TOKEN',
  'AZURE_CLIENT_SECRET',
] as const;

/** A switch is on as the CLI reads it: 1, true, yes or on, in any case. */
export function isSwitchOn(value: string | undefined): boolean {
  return ['1', 'true', 'yes', 'on'].includes((value ?? '').trim().toLowerCase());
}

/** The cloud providers whose switch the environment turns on. */
export function switchedOnProviders(env: NodeJS.ProcessEnv): CloudProvider[] {
  return (Object.keys(PROVIDER_SWITCHES) as CloudProvider[]).filter((p) => isSwitchOn(env[PROVIDER_SWITCHES[p]]));
}

export function unsupportedSwitchesOn(env: NodeJS.ProcessEnv): string[] {
  return UNSUPPORTED_SWITCHES.filter((name) => isSwitchOn(env[name]));
}

/** A setting the provider needs and the environment lacks; the host says how to set it, in its words. */
export type MissingSetting = {
  /** The variables, as a user would read them: "ANTHROPIC_VERTEX_PROJECT_ID and CLOUD_ML_REGION". */
  needs: string;
  /**
   * A credential: on a self-hosted runner it may come from the machine itself (an EC2 instance role, the GCE
   * metadata server), so its absence from the environment proves nothing there.
   */
  credential: boolean;
} & (
  | { kind: 'aws-region' | 'aws-credentials' | 'google-credentials' | 'foundry-endpoint' }
  /** Vertex AI's project and region: `absent` are those not set. */
  | { kind: 'vertex-project'; absent: string[] }
);

const has = (env: NodeJS.ProcessEnv, ...names: string[]): boolean => names.every((name) => (env[name] ?? '') !== '');

/** What `provider` needs and `env` lacks, most basic first; empty when all is there. */
export function missingSettings(provider: Provider, env: NodeJS.ProcessEnv): MissingSetting[] {
  if (provider === 'bedrock') return missingForBedrock(env);
  if (provider === 'vertex') return missingForVertex(env);
  if (provider === 'foundry') return missingForFoundry(env);
  return [];
}

function missingForBedrock(env: NodeJS.ProcessEnv): MissingSetting[] {
  const missing: MissingSetting[] = [];
  if (!has(env, 'AWS_REGION') && !has(env, 'AWS_DEFAULT_REGION')) {
    missing.push({ kind: 'aws-region', needs: 'AWS_REGION', credential: false });
  }
  const signedIn =
    isSwitchOn(env.CLAUDE_CODE_SKIP_BEDROCK_AUTH) ||
    has(env, 'AWS_BEARER_TOKEN_BEDROCK') ||
    has(env, 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY') ||
    has(env, 'AWS_PROFILE') ||
    has(env, 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN') ||
    has(env, 'AWS_CONTAINER_CREDENTIALS_FULL_URI') ||
    has(env, 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI');
  if (!signedIn) {
    missing.push({
      kind: 'aws-credentials',
      needs: 'AWS credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_BEARER_TOKEN_BEDROCK)',
      credential: true,
    });
  }
  return missing;
}

function missingForVertex(env: NodeJS.ProcessEnv): MissingSetting[] {
  const missing: MissingSetting[] = [];
  const absent = ['ANTHROPIC_VERTEX_PROJECT_ID', 'CLOUD_ML_REGION'].filter((name) => !has(env, name));
  if (absent.length > 0) {
    missing.push({ kind: 'vertex-project', needs: absent.join(' and '), absent, credential: false });
  }
  if (!isSwitchOn(env.CLAUDE_CODE_SKIP_VERTEX_AUTH) && !has(env, 'GOOGLE_APPLICATION_CREDENTIALS')) {
    missing.push({ kind: 'google-credentials', needs: 'GOOGLE_APPLICATION_CREDENTIALS', credential: true });
  }
  return missing;
}

function missingForFoundry(env: NodeJS.ProcessEnv): MissingSetting[] {
  // The key is optional: without it the CLI signs in with Entra ID (azure/login, a managed identity), which
  // leaves nothing in the environment to look for.
  if (has(env, 'ANTHROPIC_FOUNDRY_RESOURCE') || has(env, 'ANTHROPIC_FOUNDRY_BASE_URL')) return [];
  return [
    { kind: 'foundry-endpoint', needs: 'ANTHROPIC_FOUNDRY_RESOURCE or ANTHROPIC_FOUNDRY_BASE_URL', credential: false },
  ];
}

/**
 * The secret values among the cloud credentials in `env`: the variables above, and the secret fields of the Google
 * credentials file that GOOGLE_APPLICATION_CREDENTIALS names (read with `readFile`; a file that cannot be read or
 * parsed gives nothing: the CLI will say what is wrong with it).
 */
export function cloudCredentialSecrets(env: NodeJS.ProcessEnv, readFile: (file: string) => string): string[] {
  const secrets = SECRET_VARIABLES.map((name) => env[name] ?? '').filter((value) => value !== '');
  const file = env.GOOGLE_APPLICATION_CREDENTIALS ?? '';
  if (file !== '') {
    try {
      secrets.push(...googleCredentialSecrets(JSON.parse(readFile(file))));
    } catch {
      // Nothing to add.
    }
  }
  return secrets;
}

/** Keys of a Google credentials file whose values are secret; `token_uri` and other URLs are not. */
const SECRET_KEY = /(^|_)(private_key|secret|token|password)$|^authorization$/i;

/**
 * The secret strings of a Google credentials file, at any depth: a service account's `private_key`, an authorized
 * user's `client_secret` and `refresh_token`, and an external account's request headers (a CI's sign-in step
 * may write its OIDC request token there as `Authorization: Bearer …`).
 */
export function googleCredentialSecrets(json: unknown): string[] {
  const found: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        if (typeof item === 'string' && SECRET_KEY.test(key) && item !== '') found.push(...secretForms(item));
        else walk(item);
      }
    }
  };
  walk(json);
  return found;
}

/** The switch that tells the CLI to use `provider`: undefined for the Anthropic API, which needs none. */
export function providerSwitch(provider: Provider): string | undefined {
  return provider === 'anthropic' ? undefined : PROVIDER_SWITCHES[provider];
}

/**
 * The value, the token of a `Bearer …` header, and each line of a PEM key but its armour: a key with its newlines
 * escaped (as in JSON) matches none of the others, and any one of its lines gives enough of it away.
 */
function secretForms(value: string): string[] {
  const forms = [value];
  const bearer = /^bearer\s+(\S+)$/i.exec(value.trim());
  if (bearer) forms.push(bearer[1]);
  const lines = value.split(/\r?\n|\\n/).map((line) => line.trim());
  if (lines.length > 1) forms.push(...lines.filter((line) => line !== '' && !line.startsWith('-----')));
  return forms;
}
