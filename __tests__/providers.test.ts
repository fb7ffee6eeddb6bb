/**
 * The cloud providers: which one a job gets (the `provider` input, or the CLI's own switch in the job's env), what
 * each needs before Claude runs and the errors that name it, the environment Claude gets, the credentials counted
 * as secrets, and the message when the cloud turns the credentials down.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ACTIONS_WORDS } from '../src/actions/host-words.js';
import { InputError, readInputs } from '../src/actions/inputs.js';
import { buildClaudeEnv } from '../src/claude/claude-cli.js';
import { iterationFailure, type IterationFailure } from '../src/core/failure.js';
import { failureCause } from '../src/core/verdict.js';
import { describeForActions } from '../src/actions/describe.js';
import type { ProcessOutcome } from '../src/core/iteration-run.js';
import {
  cloudCredentialSecrets,
  googleCredentialSecrets,
  isSwitchOn,
  missingSettings,
  switchedOnProviders,
} from '../src/core/providers.js';
import { StreamState } from '../src/claude/stream-json.js';
import { processOutcome } from './helpers/builders.js';

const base = mkdtempSync(path.join(os.tmpdir(), 'providers-test-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
const credentialsFile = path.join(base, 'gha-creds-1.json');
writeFileSync(credentialsFile, '{}');

const BEDROCK_ENV = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'ASIA1', AWS_SECRET_ACCESS_KEY: 's3cr3t-key' };
const VERTEX_ENV = {
  ANTHROPIC_VERTEX_PROJECT_ID: 'proj',
  CLOUD_ML_REGION: 'us-east5',
  GOOGLE_APPLICATION_CREDENTIALS: credentialsFile,
};
const FOUNDRY_ENV = { ANTHROPIC_FOUNDRY_RESOURCE: 'my-resource' };

function read(inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}) {
  return readInputs({ getInput: (name) => ({ prompt: 'p', ...inputs })[name] ?? '', setSecret: () => {} }, base, env);
}
const errorOf = (inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}): string => {
  try {
    read(inputs, env);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('no error');
};

describe('the provider a job gets', () => {
  it('is the Anthropic API by default, and the one the input names', () => {
    expect(read({}).provider).toBe('anthropic');
    expect(read({ provider: 'anthropic' }).provider).toBe('anthropic');
    expect(read({ provider: 'bedrock' }, BEDROCK_ENV).provider).toBe('bedrock');
    expect(read({ provider: 'vertex' }, VERTEX_ENV).provider).toBe('vertex');
    expect(read({ provider: 'foundry' }, FOUNDRY_ENV).provider).toBe('foundry');
  });

  it('rejects an unknown provider, naming the input, the value and the choices', () => {
    expect(errorOf({ provider: 'azure' })).toBe(
      `Input 'provider' is "azure"; expected one of: anthropic, bedrock, vertex, foundry.`,
    );
    expect(errorOf({ provider: 'Bedrock' })).toContain('"Bedrock"');
  });

  it("follows CLAUDE_CODE_USE_* in the job's env, as the CLI reads a switch (1, true, yes, on)", () => {
    expect(read({}, { ...VERTEX_ENV, CLAUDE_CODE_USE_VERTEX: '1' }).provider).toBe('vertex');
    expect(read({ provider: 'anthropic' }, { ...BEDROCK_ENV, CLAUDE_CODE_USE_BEDROCK: 'true' }).provider).toBe(
      'bedrock',
    );
    expect(read({}, { ...FOUNDRY_ENV, CLAUDE_CODE_USE_FOUNDRY: 'ON' }).provider).toBe('foundry');
    expect(read({}, { CLAUDE_CODE_USE_VERTEX: '0', CLAUDE_CODE_USE_BEDROCK: '' }).provider).toBe('anthropic');
    expect(['1', 'true', 'YES', ' on '].every(isSwitchOn)).toBe(true);
    expect(['0', 'false', '', 'enabled', undefined].some(isSwitchOn)).toBe(false);
    expect(switchedOnProviders({ CLAUDE_CODE_USE_BEDROCK: '1', CLAUDE_CODE_USE_FOUNDRY: '1' })).toEqual([
      'bedrock',
      'foundry',
    ]);
  });

  it('rejects an input and a switch that disagree, two switches, and a provider the action does not support', () => {
    expect(errorOf({ provider: 'vertex' }, { ...VERTEX_ENV, CLAUDE_CODE_USE_BEDROCK: '1' })).toBe(
      `Input 'provider' is "vertex", but the job's env sets CLAUDE_CODE_USE_BEDROCK for 'bedrock': remove one of the two.`,
    );
    expect(errorOf({}, { CLAUDE_CODE_USE_BEDROCK: '1', CLAUDE_CODE_USE_VERTEX: '1' })).toContain(
      'more than one provider (CLAUDE_CODE_USE_BEDROCK, CLAUDE_CODE_USE_VERTEX)',
    );
    for (const name of [
      'CLAUDE_CODE_USE_GATEWAY',
      'CLAUDE_CODE_USE_ANTHROPIC_AWS',
      'CLAUDE_CODE_USE_MANTLE',
      'CLAUDE_CODE_USE_ANTHROPIC_GOOGLE_CLOUD',
    ]) {
      expect(errorOf({}, { [name]: '1' })).toContain(`turns on ${name}, a provider this action does not support`);
    }
  });

  it('ignores the Anthropic credential inputs with a cloud provider, and says so', () => {
    const config = read({ provider: 'bedrock', 'anthropic-api-key': 'sk-ant-123456789' }, BEDROCK_ENV);
    expect(config.anthropicApiKey).toBe('');
    expect(config.warnings).toContain("Input 'anthropic-api-key' is ignored with provider 'bedrock'.");
    // No "came out empty" warning either: a cloud needs no Anthropic credential.
    expect(config.warnings.join('\n')).not.toContain('came out empty');
    expect(read({ provider: 'vertex' }, VERTEX_ENV).warnings).toEqual([]);
  });
});

describe('what each provider needs before Claude runs', () => {
  it('Vertex: the project and the region, named with how to set them', () => {
    const { ANTHROPIC_VERTEX_PROJECT_ID, CLOUD_ML_REGION, ...credentialsOnly } = VERTEX_ENV;
    void ANTHROPIC_VERTEX_PROJECT_ID;
    void CLOUD_ML_REGION;
    expect(errorOf({ provider: 'vertex' }, credentialsOnly)).toBe(
      "provider 'vertex' needs ANTHROPIC_VERTEX_PROJECT_ID and CLOUD_ML_REGION: set them in the job's env after " +
        'google-github-actions/auth.',
    );
    expect(errorOf({ provider: 'vertex' }, { ...credentialsOnly, CLOUD_ML_REGION: 'global' })).toBe(
      "provider 'vertex' needs ANTHROPIC_VERTEX_PROJECT_ID: set it in the job's env after google-github-actions/auth.",
    );
  });

  it('Vertex: the credentials file of google-github-actions/auth, which must be there', () => {
    const env = { ANTHROPIC_VERTEX_PROJECT_ID: 'p', CLOUD_ML_REGION: 'global' };
    expect(errorOf({ provider: 'vertex' }, env)).toMatch(
      /^provider 'vertex' needs GOOGLE_APPLICATION_CREDENTIALS: run google-github-actions\/auth with workload_identity_provider/,
    );
    expect(
      errorOf({ provider: 'vertex' }, { ...env, GOOGLE_APPLICATION_CREDENTIALS: path.join(base, 'nope.json') }),
    ).toContain(`"${path.join(base, 'nope.json')}" is not a file`);
    expect(read({ provider: 'vertex' }, { ...env, CLAUDE_CODE_SKIP_VERTEX_AUTH: '1' }).provider).toBe('vertex');
  });

  it('Bedrock: a region, and AWS credentials in any form the CLI reads', () => {
    expect(errorOf({ provider: 'bedrock' }, { AWS_BEARER_TOKEN_BEDROCK: 'tok' })).toBe(
      "provider 'bedrock' needs AWS_REGION: set aws-region in aws-actions/configure-aws-credentials (it exports " +
        "AWS_REGION), or AWS_REGION in the job's env.",
    );
    expect(errorOf({ provider: 'bedrock' }, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'ASIA1' })).toBe(
      "provider 'bedrock' needs AWS credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or " +
        'AWS_BEARER_TOKEN_BEDROCK): run aws-actions/configure-aws-credentials with role-to-assume before this step ' +
        '(the job needs permissions: id-token: write).',
    );
    const region = { AWS_DEFAULT_REGION: 'eu-west-1' };
    for (const credentials of [
      { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' },
      { AWS_BEARER_TOKEN_BEDROCK: 'tok' },
      { AWS_PROFILE: 'ci' },
      { AWS_WEB_IDENTITY_TOKEN_FILE: '/t', AWS_ROLE_ARN: 'arn:aws:iam::1:role/r' },
      { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://169.254.170.23/v1/credentials' },
      { CLAUDE_CODE_SKIP_BEDROCK_AUTH: '1' },
    ]) {
      expect(missingSettings('bedrock', { ...region, ...credentials })).toEqual([]);
    }
  });

  it('Foundry: the resource or a base URL; the key is optional (Entra ID leaves nothing in the env)', () => {
    expect(errorOf({ provider: 'foundry' }, { ANTHROPIC_FOUNDRY_API_KEY: 'k' })).toMatch(
      /^provider 'foundry' needs ANTHROPIC_FOUNDRY_RESOURCE or ANTHROPIC_FOUNDRY_BASE_URL: set one in the job's env/,
    );
    expect(
      missingSettings('foundry', { ANTHROPIC_FOUNDRY_BASE_URL: 'https://r.services.ai.azure.com/anthropic' }),
    ).toEqual([]);
  });

  it('names the switch when the env chose the provider', () => {
    expect(errorOf({}, { CLAUDE_CODE_USE_VERTEX: '1', GOOGLE_APPLICATION_CREDENTIALS: credentialsFile })).toMatch(
      /^provider 'vertex' \(chosen by CLAUDE_CODE_USE_VERTEX in the job's env\) needs ANTHROPIC_VERTEX_PROJECT_ID/,
    );
  });

  it('on a self-hosted runner, missing credentials are a warning (the machine may sign in), other settings not', () => {
    const selfHosted = { RUNNER_ENVIRONMENT: 'self-hosted' };
    const config = read({ provider: 'bedrock' }, { ...selfHosted, AWS_REGION: 'us-east-1' });
    expect(config.provider).toBe('bedrock');
    expect(config.warnings.join('\n')).toMatch(/needs AWS credentials .* Going on: on a self-hosted runner/);
    expect(
      errorOf({ provider: 'bedrock' }, { ...selfHosted, AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }),
    ).toContain('needs AWS_REGION');
    expect(errorOf({ provider: 'bedrock' }, { RUNNER_ENVIRONMENT: 'github-hosted', AWS_REGION: 'x' })).toContain(
      'needs AWS credentials',
    );
  });
});

describe("Claude's environment on a cloud", () => {
  it("sets the provider's switch, keeps the cloud settings, and drops every Anthropic credential", () => {
    const env = {
      ...BEDROCK_ENV,
      AWS_SESSION_TOKEN: 'session',
      ANTHROPIC_BEDROCK_BASE_URL: 'https://vpce.example',
      ANTHROPIC_API_KEY: 'sk-ant-job',
      ANTHROPIC_AUTH_TOKEN: 'auth',
      CLAUDE_CODE_OAUTH_TOKEN: 'oat',
    };
    const { env: claude, notes } = buildClaudeEnv(read({ provider: 'bedrock' }, env), env, false, ACTIONS_WORDS);
    expect(claude).toMatchObject({ CLAUDE_CODE_USE_BEDROCK: '1', ...BEDROCK_ENV, AWS_SESSION_TOKEN: 'session' });
    expect(claude.ANTHROPIC_BEDROCK_BASE_URL).toBe('https://vpce.example');
    for (const name of ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN']) {
      expect(claude[name], name).toBeUndefined();
    }
    expect(notes).toContain(
      'Not passed to Claude, which signs in to Amazon Bedrock: ANTHROPIC_API_KEY, ANTHROPIC_AUTH_TOKEN, CLAUDE_CODE_OAUTH_TOKEN.',
    );
  });

  it('sets the switch when only the input chose the cloud, and none for the Anthropic API', () => {
    expect(
      buildClaudeEnv(read({ provider: 'vertex' }, VERTEX_ENV), VERTEX_ENV, false, ACTIONS_WORDS).env
        .CLAUDE_CODE_USE_VERTEX,
    ).toBe('1');
    const anthropic = buildClaudeEnv(read({ 'anthropic-api-key': 'sk-ant-1' }), {}, false, ACTIONS_WORDS).env;
    expect(Object.keys(anthropic).filter((name) => name.startsWith('CLAUDE_CODE_USE_'))).toEqual([]);
    expect(anthropic.ANTHROPIC_API_KEY).toBe('sk-ant-1');
  });
});

describe('cloud credentials are secrets', () => {
  const noFile = (): string => {
    throw new Error('ENOENT');
  };

  it('takes the secret variables, not the ids or the settings', () => {
    const env = {
      AWS_ACCESS_KEY_ID: 'ASIA-id',
      AWS_SECRET_ACCESS_KEY: 'aws-secret',
      AWS_SESSION_TOKEN: 'aws-session',
      AWS_BEARER_TOKEN_BEDROCK: 'bedrock-key',
      ANTHROPIC_FOUNDRY_API_KEY: 'foundry-key',
      AWS_REGION: 'us-east-1',
      ANTHROPIC_VERTEX_PROJECT_ID: 'proj',
    };
    expect(cloudCredentialSecrets(env, noFile).sort()).toEqual(
      ['aws-secret', 'aws-session', 'bedrock-key', 'foundry-key'].sort(),
    );
  });

  it("reads a service account's private key, line by line, and nothing from a file that is not there", () => {
    const key = '-----BEGIN PRIVATE KEY-----\nLINEONEabcdefgh\nLINETWOabcdefgh\n-----END PRIVATE KEY-----\n';
    const file = { type: 'service_account', private_key_id: 'id', private_key: key, token_uri: 'https://t' };
    const secrets = cloudCredentialSecrets({ GOOGLE_APPLICATION_CREDENTIALS: '/creds.json' }, (name) => {
      expect(name).toBe('/creds.json');
      return JSON.stringify(file);
    });
    expect(secrets).toEqual([key, 'LINEONEabcdefgh', 'LINETWOabcdefgh']);
    expect(cloudCredentialSecrets({ GOOGLE_APPLICATION_CREDENTIALS: '/creds.json' }, noFile)).toEqual([]);
    expect(cloudCredentialSecrets({ GOOGLE_APPLICATION_CREDENTIALS: '/creds.json' }, () => 'not json')).toEqual([]);
  });

  it("reads the runner's OIDC request token from the file google-github-actions/auth writes", () => {
    // The shape of its workload identity federation file (src/client/workload_identity_federation.ts at v3).
    const file = {
      type: 'external_account',
      audience: '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/gh',
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      token_url: 'https://sts.googleapis.com/v1/token',
      credential_source: {
        url: 'https://token.actions.example/?audience=x',
        headers: { Authorization: 'Bearer oidc-request-token-123' },
        format: { type: 'json', subject_token_field_name: 'value' },
      },
      service_account_impersonation_url: 'https://iamcredentials.googleapis.com/v1/projects/-/sa:generateAccessToken',
    };
    expect(googleCredentialSecrets(file)).toEqual(['Bearer oidc-request-token-123', 'oidc-request-token-123']);
    expect(googleCredentialSecrets({ type: 'authorized_user', client_secret: 'cs', refresh_token: 'rt' })).toEqual([
      'cs',
      'rt',
    ]);
  });
});

describe('when the cloud turns the credentials down', () => {
  const rejected = (status: number, text: string): ProcessOutcome => {
    const stream = new StreamState();
    stream.consume(
      JSON.stringify({ type: 'result', subtype: 'success', is_error: true, api_error_status: status, result: text }),
    );
    return processOutcome(stream);
  };

  it('names what to check on that cloud, not an Anthropic input', () => {
    const credentials = { anthropicApiKey: '', claudeCodeOauthToken: '' };
    // What the Action's reason says of the failure.
    const reason = (failure: IterationFailure | undefined): string => describeForActions(failureCause(failure!, 1));
    const bedrock = iterationFailure(rejected(403, 'API Error: 403 not authorized'), {
      ...credentials,
      provider: 'bedrock',
    });
    expect(bedrock?.kind).toBe('auth');
    expect(reason(bedrock)).toBe(
      'Amazon Bedrock did not accept the credentials (403): check the role that aws-actions/configure-aws-credentials ' +
        'assumed (it must allow bedrock:InvokeModel and bedrock:InvokeModelWithResponseStream on the model) and ' +
        'AWS_REGION. The CLI said: API Error: 403 not authorized',
    );
    const vertex = iterationFailure(rejected(401, 'API Error: 401'), { ...credentials, provider: 'vertex' });
    expect(reason(vertex)).toMatch(
      /^Google Vertex AI did not accept the credentials \(401\): check the service account/,
    );
    expect(reason(vertex)).not.toContain('anthropic-api-key');
    const anthropic = iterationFailure(rejected(401, 'Invalid API key'), { ...credentials, provider: 'anthropic' });
    expect(reason(anthropic)).toContain("'anthropic-api-key' or 'claude-code-oauth-token'");
  });
});
