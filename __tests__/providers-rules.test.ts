/**
 * The cloud providers' facts and rules (src/core/providers.ts), pure and through its exports: which switch turns each
 * on, what each needs from the environment, and which values are secret. The advice is each front end's (its
 * facts are checked in host-words.test.ts); here only what it is built from: the kind, variables and absent ones.
 */
import { describe, expect, it } from 'vitest';
import {
  ANTHROPIC_CREDENTIAL_VARIABLES,
  cloudCredentialSecrets,
  googleCredentialSecrets,
  isSwitchOn,
  missingSettings,
  PROVIDER_NAMES,
  PROVIDER_SWITCHES,
  providerSwitch,
  SECRET_VARIABLES,
  switchedOnProviders,
  UNSUPPORTED_SWITCHES,
  unsupportedSwitchesOn,
} from '../src/core/providers.js';
import { PROVIDERS } from '../src/core/settings.js';

const CLOUDS = ['bedrock', 'vertex', 'foundry'] as const;

describe('switches', () => {
  it('are on as the CLI reads them: 1, true, yes or on, in any case and with blanks around', () => {
    for (const on of ['1', 'true', 'yes', 'on', 'TRUE', 'Yes', ' on ', '\ttrue\n'])
      expect(isSwitchOn(on), on).toBe(true);
    for (const off of [undefined, '', ' ', '0', 'false', 'no', 'off', 'y', '2', 'enabled', 'true1', 'o n'])
      expect(isSwitchOn(off), String(off)).toBe(false);
  });

  it('name the CLI variable of each cloud, and none for the Anthropic API', () => {
    expect(PROVIDER_SWITCHES).toEqual({
      bedrock: 'CLAUDE_CODE_USE_BEDROCK',
      vertex: 'CLAUDE_CODE_USE_VERTEX',
      foundry: 'CLAUDE_CODE_USE_FOUNDRY',
    });
    expect(providerSwitch('anthropic')).toBeUndefined();
    for (const cloud of CLOUDS) expect(providerSwitch(cloud)).toBe(PROVIDER_SWITCHES[cloud]);
  });

  it('turn on the clouds whose switch is on, in a fixed order, and no other', () => {
    expect(switchedOnProviders({})).toEqual([]);
    expect(switchedOnProviders({ CLAUDE_CODE_USE_VERTEX: '1' })).toEqual(['vertex']);
    expect(switchedOnProviders({ CLAUDE_CODE_USE_VERTEX: '0', CLAUDE_CODE_USE_BEDROCK: 'yes' })).toEqual(['bedrock']);
    expect(
      switchedOnProviders({
        CLAUDE_CODE_USE_FOUNDRY: 'on',
        CLAUDE_CODE_USE_VERTEX: 'true',
        CLAUDE_CODE_USE_BEDROCK: '1',
      }),
    ).toEqual(['bedrock', 'vertex', 'foundry']);
    expect(switchedOnProviders({ CLAUDE_CODE_USE_GATEWAY: '1' })).toEqual([]);
  });

  it('of providers the action does not offer are found by name', () => {
    expect(UNSUPPORTED_SWITCHES).toEqual([
      'CLAUDE_CODE_USE_GATEWAY',
      'CLAUDE_CODE_USE_ANTHROPIC_AWS',
      'CLAUDE_CODE_USE_MANTLE',
      'CLAUDE_CODE_USE_ANTHROPIC_GOOGLE_CLOUD',
    ]);
    expect(unsupportedSwitchesOn({})).toEqual([]);
    expect(unsupportedSwitchesOn({ CLAUDE_CODE_USE_BEDROCK: '1', CLAUDE_CODE_USE_MANTLE: '0' })).toEqual([]);
    for (const name of UNSUPPORTED_SWITCHES) expect(unsupportedSwitchesOn({ [name]: 'TRUE' })).toEqual([name]);
    expect(unsupportedSwitchesOn({ CLAUDE_CODE_USE_MANTLE: '1', CLAUDE_CODE_USE_GATEWAY: '1' })).toEqual([
      'CLAUDE_CODE_USE_GATEWAY',
      'CLAUDE_CODE_USE_MANTLE',
    ]);
  });
});

describe('names', () => {
  it('give every provider a name of its own', () => {
    expect(Object.keys(PROVIDER_NAMES).sort()).toEqual([...PROVIDERS].sort());
    expect(PROVIDER_NAMES.anthropic).toContain('Anthropic');
    expect(PROVIDER_NAMES.bedrock).toContain('Bedrock');
    expect(PROVIDER_NAMES.vertex).toContain('Vertex');
    expect(PROVIDER_NAMES.foundry).toContain('Foundry');
    expect(new Set(Object.values(PROVIDER_NAMES)).size).toBe(4);
  });

  it('list the Anthropic credentials a cloud has no use for', () => {
    expect(ANTHROPIC_CREDENTIAL_VARIABLES).toEqual([
      'ANTHROPIC_API_KEY',
      'ANTHROPIC_AUTH_TOKEN',
      'CLAUDE_CODE_OAUTH_TOKEN',
    ]);
  });
});

describe('missingSettings', () => {
  const needs = (provider: (typeof PROVIDERS)[number], env: NodeJS.ProcessEnv) =>
    missingSettings(provider, env).map(({ needs: what, credential }) => ({ what, credential }));

  it('asks nothing of the Anthropic API', () => {
    expect(missingSettings('anthropic', {})).toEqual([]);
  });

  it('gives every setting it misses a kind of its own, which a front end words, and nothing else to word', () => {
    expect(CLOUDS.map((provider) => missingSettings(provider, {}))).toEqual([
      [
        { kind: 'aws-region', needs: 'AWS_REGION', credential: false },
        {
          kind: 'aws-credentials',
          needs: 'AWS credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_BEARER_TOKEN_BEDROCK)',
          credential: true,
        },
      ],
      [
        {
          kind: 'vertex-project',
          needs: 'ANTHROPIC_VERTEX_PROJECT_ID and CLOUD_ML_REGION',
          absent: ['ANTHROPIC_VERTEX_PROJECT_ID', 'CLOUD_ML_REGION'],
          credential: false,
        },
        { kind: 'google-credentials', needs: 'GOOGLE_APPLICATION_CREDENTIALS', credential: true },
      ],
      [
        {
          kind: 'foundry-endpoint',
          needs: 'ANTHROPIC_FOUNDRY_RESOURCE or ANTHROPIC_FOUNDRY_BASE_URL',
          credential: false,
        },
      ],
    ]);
  });

  it('Bedrock: the region first, then credentials, each either of two ways', () => {
    const bedrock = missingSettings('bedrock', {});
    expect(bedrock.map((missing) => missing.credential)).toEqual([false, true]);
    expect(bedrock[0].needs).toBe('AWS_REGION');
    expect(bedrock[1].needs).toMatch(/AWS_ACCESS_KEY_ID.*AWS_SECRET_ACCESS_KEY.*AWS_BEARER_TOKEN_BEDROCK/);
    // Advised apart: the region is a setting, the credentials a sign-in.
    expect(bedrock.map((missing) => missing.kind)).toEqual(['aws-region', 'aws-credentials']);
    const signedIn = { AWS_BEARER_TOKEN_BEDROCK: 't' };
    expect(needs('bedrock', { ...signedIn, AWS_REGION: 'us-east-1' })).toEqual([]);
    expect(needs('bedrock', { ...signedIn, AWS_DEFAULT_REGION: 'us-east-1' })).toEqual([]);
    expect(needs('bedrock', { ...signedIn, AWS_REGION: '' })).toEqual([{ what: 'AWS_REGION', credential: false }]);
  });

  it('Bedrock: any one complete form of AWS credentials the CLI reads, and no half of a pair', () => {
    const region = { AWS_REGION: 'eu-west-1' };
    for (const credentials of [
      { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' },
      { AWS_BEARER_TOKEN_BEDROCK: 'tok' },
      { AWS_PROFILE: 'ci' },
      { AWS_WEB_IDENTITY_TOKEN_FILE: '/t', AWS_ROLE_ARN: 'arn' },
      { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://x' },
      { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials' },
      { CLAUDE_CODE_SKIP_BEDROCK_AUTH: 'true' },
    ])
      expect(missingSettings('bedrock', { ...region, ...credentials }), JSON.stringify(credentials)).toEqual([]);
    for (const half of [
      { AWS_ACCESS_KEY_ID: 'a' },
      { AWS_SECRET_ACCESS_KEY: 'b' },
      { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: '' },
      { AWS_WEB_IDENTITY_TOKEN_FILE: '/t' },
      { AWS_ROLE_ARN: 'arn' },
      { AWS_BEARER_TOKEN_BEDROCK: '' },
      { CLAUDE_CODE_SKIP_BEDROCK_AUTH: '0' },
      { CLAUDE_CODE_SKIP_VERTEX_AUTH: '1' },
    ]) {
      const missing = missingSettings('bedrock', { ...region, ...half });
      expect(
        missing.map((item) => item.credential),
        JSON.stringify(half),
      ).toEqual([true]);
    }
  });

  it('Vertex: the project and the region, naming those missing, then the credentials file', () => {
    const credentials = { GOOGLE_APPLICATION_CREDENTIALS: '/creds.json' };
    const both = missingSettings('vertex', credentials);
    expect(both.map(({ needs: what, credential }) => ({ what, credential }))).toEqual([
      { what: 'ANTHROPIC_VERTEX_PROJECT_ID and CLOUD_ML_REGION', credential: false },
    ]);
    const one = missingSettings('vertex', { ...credentials, CLOUD_ML_REGION: 'global' });
    expect(one.map((item) => item.needs)).toEqual(['ANTHROPIC_VERTEX_PROJECT_ID']);
    expect(needs('vertex', { ...credentials, ANTHROPIC_VERTEX_PROJECT_ID: 'p' })).toEqual([
      { what: 'CLOUD_ML_REGION', credential: false },
    ]);
    // One variable or two: the advice says so, from the absent ones.
    expect(both[0]).toMatchObject({
      kind: 'vertex-project',
      absent: ['ANTHROPIC_VERTEX_PROJECT_ID', 'CLOUD_ML_REGION'],
    });
    expect(one[0]).toMatchObject({ kind: 'vertex-project', absent: ['ANTHROPIC_VERTEX_PROJECT_ID'] });
    expect(missingSettings('vertex', { ...credentials, ANTHROPIC_VERTEX_PROJECT_ID: 'p' })[0]).toMatchObject({
      absent: ['CLOUD_ML_REGION'],
    });
    const settings = { ANTHROPIC_VERTEX_PROJECT_ID: 'p', CLOUD_ML_REGION: 'global' };
    expect(needs('vertex', { ...settings, ...credentials })).toEqual([]);
    expect(needs('vertex', settings)).toEqual([{ what: 'GOOGLE_APPLICATION_CREDENTIALS', credential: true }]);
    expect(needs('vertex', { ...settings, CLAUDE_CODE_SKIP_VERTEX_AUTH: 'yes' })).toEqual([]);
    expect(needs('vertex', { ...settings, CLAUDE_CODE_SKIP_VERTEX_AUTH: 'no' })).toHaveLength(1);
    expect(needs('vertex', { ...settings, CLAUDE_CODE_SKIP_BEDROCK_AUTH: '1' })).toHaveLength(1);
    expect(needs('vertex', {}).map((item) => item.credential)).toEqual([false, true]);
  });

  it('Foundry: the resource or its base URL, and no key (Entra ID leaves nothing in the env)', () => {
    expect(needs('foundry', {})).toEqual([
      { what: 'ANTHROPIC_FOUNDRY_RESOURCE or ANTHROPIC_FOUNDRY_BASE_URL', credential: false },
    ]);
    expect(needs('foundry', { ANTHROPIC_FOUNDRY_API_KEY: 'k' })).toHaveLength(1);
    expect(needs('foundry', { ANTHROPIC_FOUNDRY_RESOURCE: 'r' })).toEqual([]);
    expect(needs('foundry', { ANTHROPIC_FOUNDRY_BASE_URL: 'https://r.services.ai.azure.com/anthropic' })).toEqual([]);
    expect(needs('foundry', { ANTHROPIC_FOUNDRY_RESOURCE: '' })).toHaveLength(1);
  });
});

describe('cloud credentials are secrets', () => {
  const unread = (file: string): string => {
    throw new Error(`read ${file}`);
  };

  it('takes the value of every secret variable that is set, and nothing else', () => {
    expect(SECRET_VARIABLES).toEqual([
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_BEARER_TOKEN_BEDROCK',
      'ANTHROPIC_FOUNDRY_API_KEY',
      'ANTHROPIC_FOUNDRY_AUTH_TOKEN',
      'AZURE_CLIENT_SECRET',
    ]);
    const env = Object.fromEntries(SECRET_VARIABLES.map((name) => [name, `value of ${name}`]));
    expect(cloudCredentialSecrets({ ...env, AWS_ACCESS_KEY_ID: 'id', AZURE_CLIENT_ID: 'id2' }, unread)).toEqual(
      SECRET_VARIABLES.map((name) => `value of ${name}`),
    );
    expect(cloudCredentialSecrets({ AWS_SESSION_TOKEN: '', AZURE_CLIENT_SECRET: 'az' }, unread)).toEqual(['az']);
    expect(cloudCredentialSecrets({}, unread)).toEqual([]);
  });

  it('reads the Google credentials file only when one is named, and adds its secrets after the variables', () => {
    let reads = 0;
    const reader = (file: string): string => {
      reads++;
      expect(file).toBe('/c.json');
      return JSON.stringify({ client_secret: 'cs' });
    };
    expect(cloudCredentialSecrets({ GOOGLE_APPLICATION_CREDENTIALS: '' }, reader)).toEqual([]);
    expect(cloudCredentialSecrets({ AWS_SESSION_TOKEN: 's' }, reader)).toEqual(['s']);
    expect(reads).toBe(0);
    expect(
      cloudCredentialSecrets({ GOOGLE_APPLICATION_CREDENTIALS: '/c.json', AWS_SESSION_TOKEN: 's' }, reader),
    ).toEqual(['s', 'cs']);
    expect(reads).toBe(1);
    expect(
      cloudCredentialSecrets({ GOOGLE_APPLICATION_CREDENTIALS: '/c.json', AWS_SESSION_TOKEN: 's' }, unread),
    ).toEqual(['s']);
  });

  it('takes the values of secret keys at any depth, in arrays too, and not ids, URLs or other keys', () => {
    const file = {
      type: 'service_account',
      private_key_id: 'key-id',
      token_uri: 'https://oauth2.example/token',
      client_email: 'x@example',
      secretary: 'not a secret',
      tokens: 'not one either',
      x_authorization: 'nor this',
      clientsecret: 'a key of its own, not a secret one',
      authorization_uri: 'https://auth.example',
      list: [{ password: 'pw1' }, 'loose string', [{ db_password: 'pw2' }]],
      nested: { deeper: { Client_Secret: 'cs2', secret: 'plain', empty_token: '' } },
      token: { refresh_token: 'inner' },
      authorization: 'auth-value',
      AUTHORIZATION: 'auth-upper',
      none: null,
      count: 3,
    };
    expect(googleCredentialSecrets(file)).toEqual(['pw1', 'pw2', 'cs2', 'plain', 'inner', 'auth-value', 'auth-upper']);
    expect(googleCredentialSecrets(null)).toEqual([]);
    expect(googleCredentialSecrets('private_key')).toEqual([]);
    expect(googleCredentialSecrets([{ private_key: 'k' }])).toEqual(['k']);
  });

  it("takes a Bearer header's token as well as the header", () => {
    expect(googleCredentialSecrets({ Authorization: 'Bearer abc.def' })).toEqual(['Bearer abc.def', 'abc.def']);
    expect(googleCredentialSecrets({ Authorization: ' bearer   tok ' })).toEqual([' bearer   tok ', 'tok']);
    expect(googleCredentialSecrets({ Authorization: 'Bearerabc' })).toEqual(['Bearerabc']);
    expect(googleCredentialSecrets({ Authorization: 'Bearer a b' })).toEqual(['Bearer a b']);
    expect(googleCredentialSecrets({ Authorization: 'Basic abc' })).toEqual(['Basic abc']);
    expect(googleCredentialSecrets({ Authorization: 'x Bearer abc' })).toEqual(['x Bearer abc']);
  });

  it('takes each line of a PEM key but its armour, its newlines real or escaped', () => {
    const lines = [
      '-----BEGIN PRIVATE KEY-----',
      'MIIEvQIBADANBgkq',
      '  hkiG9w0BAQEFAASC  ',
      '',
      '-----END PRIVATE KEY-----',
    ];
    for (const newline of ['\n', '\r\n', '\\n']) {
      const key = lines.join(newline);
      expect(googleCredentialSecrets({ private_key: key }), JSON.stringify(newline)).toEqual([
        key,
        'MIIEvQIBADANBgkq',
        'hkiG9w0BAQEFAASC',
      ]);
    }
    expect(googleCredentialSecrets({ private_key: 'one line only' })).toEqual(['one line only']);
    expect(googleCredentialSecrets({ private_key: 'a-----b\nc' })).toEqual(['a-----b\nc', 'a-----b', 'c']);
    // Armour starts a line; a line that only ends with dashes is a part of the key.
    expect(googleCredentialSecrets({ private_key: 'x\nabc-----\n-----abc' })).toEqual([
      'x\nabc-----\n-----abc',
      'x',
      'abc-----',
    ]);
  });
});
