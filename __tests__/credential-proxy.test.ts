/**
 * The credential proxy against a real loopback upstream (a node:http server in the test): what arrives upstream, what
 * comes back, and how aborts and failures cross it.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS_WORDS } from '../src/actions/host-words.js';
import { buildClaudeEnv, claudeCredential } from '../src/claude/claude-cli.js';
import { readInputs } from '../src/actions/inputs.js';
import { CredentialProxy, standInToken, type Credential } from '../src/system/credential-proxy.js';
import { Secrets } from '../src/text/untrusted-text.js';

const REAL_KEY = `sk-ant-api03-${'R'.repeat(93)}AA`;
const REAL_OAUTH = `sk-ant-oat01-${'O'.repeat(93)}AA`;

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A loopback upstream that records each request and answers with `handler` (default: 200 and a JSON body). */
async function upstream(handler?: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (handler) handler(req, res);
      else {
        res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_up' });
        res.end('{"ok":true}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

async function startProxy(credential: Credential, upstreamUrl: string) {
  const warnings: string[] = [];
  const proxy = await CredentialProxy.start({ credential, upstream: upstreamUrl, warning: (m) => warnings.push(m) });
  cleanups.push(() => proxy.close());
  return { proxy, warnings };
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function send(url: string, options: http.RequestOptions & { body?: string; path?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${options.path ?? '/v1/messages?beta=true'}`, { method: 'POST', ...options });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body ?? '');
  });
}

describe('the stand-in token', () => {
  it('has the shape of a real credential of its kind, and is new every time', () => {
    expect(standInToken('api-key')).toMatch(/^sk-ant-api03-[A-Za-z0-9_-]{93}AA$/);
    expect(standInToken('oauth')).toMatch(/^sk-ant-oat01-[A-Za-z0-9_-]{93}AA$/);
    expect(standInToken('api-key')).not.toBe(standInToken('api-key'));
  });

  it('is redacted once added to the secrets', () => {
    const secrets = new Secrets(['ghs_0123456789abcdef']);
    const token = standInToken('api-key');
    expect(secrets.redact(`key=${token}`)).toBe(`key=${token}`);
    secrets.add(token);
    expect(secrets.redact(`key=${token}`)).toBe('key=***');
    expect(secrets.redact('ghs_0123456789abcdef')).toBe('***');
  });
});

describe('forwarding', () => {
  it('swaps the stand-in API key for the real one and keeps every other header, the path and the body', async () => {
    const up = await upstream();
    const { proxy } = await startProxy({ kind: 'api-key', value: REAL_KEY }, up.url);
    const answer = await send(proxy.url, {
      headers: {
        'x-api-key': proxy.token,
        'anthropic-version': '2023-06-01',
        'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14',
        'content-type': 'application/json',
        'x-stainless-retry-count': '0',
      },
      body: '{"model":"m","messages":[]}',
    });
    expect(answer).toMatchObject({ status: 200, body: '{"ok":true}' });
    expect(answer.headers['request-id']).toBe('req_up');
    expect(up.seen).toHaveLength(1);
    const [request] = up.seen;
    expect(request).toMatchObject({
      method: 'POST',
      url: '/v1/messages?beta=true',
      body: '{"model":"m","messages":[]}',
    });
    expect(request.headers).toMatchObject({
      'x-api-key': REAL_KEY,
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14',
      'content-type': 'application/json',
      'x-stainless-retry-count': '0',
      host: new URL(up.url).host,
    });
    expect(request.headers.authorization).toBeUndefined();
    expect(JSON.stringify(request)).not.toContain(proxy.token);
  });

  it('swaps the stand-in OAuth token in the Bearer header, and keeps the beta header the CLI adds', async () => {
    const up = await upstream();
    const { proxy } = await startProxy({ kind: 'oauth', value: REAL_OAUTH }, up.url);
    expect(proxy.token).toMatch(/^sk-ant-oat01-/);
    const answer = await send(proxy.url, {
      headers: { authorization: `Bearer ${proxy.token}`, 'anthropic-beta': 'claude-code-20250219,oauth-2025-04-20' },
      body: '{}',
    });
    expect(answer.status).toBe(200);
    expect(up.seen[0].headers.authorization).toBe(`Bearer ${REAL_OAUTH}`);
    expect(up.seen[0].headers['anthropic-beta']).toBe('claude-code-20250219,oauth-2025-04-20');
    expect(up.seen[0].headers['x-api-key']).toBeUndefined();
  });

  it("puts a gateway's path in front of each request's own, with any method", async () => {
    const up = await upstream();
    const { proxy } = await startProxy({ kind: 'api-key', value: REAL_KEY }, `${up.url}/gateway/anthropic/`);
    const answer = await send(proxy.url, {
      method: 'GET',
      path: '/v1/models?limit=1',
      headers: { 'x-api-key': proxy.token },
    });
    expect(answer.status).toBe(200);
    expect(up.seen[0]).toMatchObject({ method: 'GET', url: '/gateway/anthropic/v1/models?limit=1' });
  });

  it('reaches an upstream given by its IPv6 address', async () => {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.headers['x-api-key'] as string);
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '::1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    const { proxy } = await startProxy({ kind: 'api-key', value: REAL_KEY }, `http://[::1]:${port}`);
    expect((await send(proxy.url, { headers: { 'x-api-key': proxy.token } })).status).toBe(200);
    expect(seen).toEqual([REAL_KEY]);
  });

  it('passes the status and body of an upstream error through as they are', async () => {
    const up = await upstream((_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' });
      res.end('{"type":"error","error":{"type":"rate_limit_error","message":"Rate limited"}}');
    });
    const { proxy } = await startProxy({ kind: 'api-key', value: REAL_KEY }, up.url);
    const answer = await send(proxy.url, { headers: { 'x-api-key': proxy.token } });
    expect(answer.status).toBe(429);
    expect(answer.headers['retry-after']).toBe('3');
    expect(JSON.parse(answer.body)).toMatchObject({ error: { type: 'rate_limit_error' } });
  });
});

describe('requests without the stand-in', () => {
  it('answers 401 in the API’s own form, never reaches upstream, and warns once for any number of them', async () => {
    const up = await upstream();
    const { proxy, warnings } = await startProxy({ kind: 'api-key', value: REAL_KEY }, up.url);
    const attempts = [
      { 'x-api-key': standInToken('api-key') },
      { 'x-api-key': REAL_KEY },
      { authorization: `Bearer ${standInToken('oauth')}` },
      { 'x-api-key': proxy.token.slice(0, -1) },
      {},
    ];
    for (const headers of attempts) {
      const answer = await send(proxy.url, { headers, body: '{"secret":"body"}' });
      expect(answer.status).toBe(401);
      expect(answer.headers['x-should-retry']).toBe('false');
      expect(JSON.parse(answer.body)).toEqual({
        type: 'error',
        error: { type: 'authentication_error', message: expect.stringContaining('token') },
      });
    }
    expect(up.seen).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/refused a request/);
    expect(warnings[0]).not.toContain('body');
    expect(warnings[0]).not.toContain(proxy.token);

    // The right token still works after them.
    expect((await send(proxy.url, { headers: { 'x-api-key': proxy.token } })).status).toBe(200);
  });

  it('answers a token of the right length with a byte above 0x7f with 401, and keeps running', async () => {
    const up = await upstream();
    const { proxy } = await startProxy({ kind: 'api-key', value: REAL_KEY }, up.url);
    // As many characters as the token, more bytes: sent raw, as a local program could.
    const forged = `${proxy.token.slice(0, -1)}\u00e9`;
    const { port } = new URL(proxy.url);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => {
        socket.end(
          Buffer.from(
            `POST /v1/messages HTTP/1.1\r\nhost: x\r\nx-api-key: ${forged}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`,
            'latin1',
          ),
        );
      });
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 401/);
    expect(up.seen).toEqual([]);
    expect((await send(proxy.url, { headers: { 'x-api-key': proxy.token } })).status).toBe(200);
  });

  it('lets no request choose the host: an absolute URL is refused', async () => {
    const up = await upstream();
    const elsewhere = await upstream();
    const { proxy } = await startProxy({ kind: 'api-key', value: REAL_KEY }, up.url);
    const { port } = new URL(proxy.url);
    const answer = await new Promise<number>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port,
        method: 'GET',
        path: `${elsewhere.url}/steal`,
        headers: { 'x-api-key': proxy.token },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(answer).toBe(401);
    expect(up.seen).toEqual([]);
    expect(elsewhere.seen).toEqual([]);
  });
});

describe('streaming, aborts and failures', { timeout: 10_000 }, () => {
  it('passes each chunk of a stream on before the upstream has finished', async () => {
    let finish: () => void = () => undefined;
    const up = await upstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: message_start\ndata: {}\n\n');
      finish = () => res.end('event: message_stop\ndata: {}\n\n');
    });
    const { proxy } = await startProxy({ kind: 'api-key', value: REAL_KEY }, up.url);
    const chunks: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const req = http.request(`${proxy.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': proxy.token } });
      req.on('response', (res) => {
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk.toString());
          // The upstream is still holding its response open: the first event came through on its own.
          if (chunks.length === 1) finish();
        });
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end('{}');
    });
    expect(chunks[0]).toBe('event: message_start\ndata: {}\n\n');
    expect(chunks.join('')).toBe('event: message_start\ndata: {}\n\nevent: message_stop\ndata: {}\n\n');
  });

  it('aborts the upstream request when the client goes away mid-stream', async () => {
    let upstreamClosed: () => void = () => undefined;
    const closed = new Promise<void>((resolve) => (upstreamClosed = resolve));
    const up = await upstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: message_start\ndata: {}\n\n');
      res.on('close', upstreamClosed);
    });
    const { proxy } = await startProxy({ kind: 'api-key', value: REAL_KEY }, up.url);
    const req = http.request(`${proxy.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': proxy.token } });
    req.on('error', () => undefined);
    req.on('response', (res) => res.once('data', () => req.destroy()));
    req.end('{}');
    await closed;
  });

  it('aborts the upstream request when the client goes away before any answer (its own timeout)', async () => {
    let upstreamClosed: () => void = () => undefined;
    const closed = new Promise<void>((resolve) => (upstreamClosed = resolve));
    let received: () => void = () => undefined;
    const arrived = new Promise<void>((resolve) => (received = resolve));
    const up = await upstream((_req, res) => {
      res.on('close', upstreamClosed);
      received();
    });
    const { proxy } = await startProxy({ kind: 'api-key', value: REAL_KEY }, up.url);
    const req = http.request(`${proxy.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': proxy.token } });
    req.on('error', () => undefined);
    req.end('{}');
    await arrived;
    req.destroy();
    await closed;
  });

  it('answers 502 in the API’s form when the upstream cannot be reached or drops the connection', async () => {
    const gone = await upstream();
    const goneUrl = gone.url;
    await new Promise<void>((resolve) => gone.server.close(() => resolve()));
    const { proxy } = await startProxy({ kind: 'api-key', value: REAL_KEY }, goneUrl);
    const refused = await send(proxy.url, { headers: { 'x-api-key': proxy.token } });
    expect(refused.status).toBe(502);
    expect(JSON.parse(refused.body)).toMatchObject({ type: 'error', error: { type: 'api_error' } });
    expect(refused.body).toContain('ECONNREFUSED');
    expect(refused.body).not.toContain(REAL_KEY);

    const dropping = await upstream((req) => req.socket.destroy());
    const { proxy: second } = await startProxy({ kind: 'api-key', value: REAL_KEY }, dropping.url);
    const dropped = await send(second.url, { headers: { 'x-api-key': second.token } });
    expect(dropped.status).toBe(502);
  });

  it('breaks the client’s response off when the upstream breaks off mid-stream', async () => {
    const up = await upstream((req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: message_start\ndata: {}\n\n');
      setTimeout(() => req.socket.destroy(), 20);
    });
    const { proxy } = await startProxy({ kind: 'api-key', value: REAL_KEY }, up.url);
    const ending = await new Promise<string>((resolve) => {
      const req = http.request(`${proxy.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': proxy.token } });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve('end'));
        res.on('error', () => resolve('error'));
        res.on('aborted', () => resolve('error'));
      });
      req.on('error', () => resolve('error'));
      req.end('{}');
    });
    expect(ending).toBe('error');
  });

  it('ends open connections when it closes, and then refuses new ones', async () => {
    const up = await upstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: message_start\ndata: {}\n\n');
    });
    const { proxy } = await startProxy({ kind: 'api-key', value: REAL_KEY }, up.url);
    const ended = new Promise<void>((resolve) => {
      const req = http.request(`${proxy.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': proxy.token } });
      req.on('error', () => resolve());
      req.on('response', (res) => {
        res.on('error', () => resolve());
        res.on('close', () => resolve());
        res.once('data', () => void proxy.close());
      });
      req.end('{}');
    });
    await ended;
    await expect(send(proxy.url, { headers: { 'x-api-key': proxy.token } })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('refuses an upstream that is not an http or https URL, naming the variable and the value', async () => {
    await expect(
      CredentialProxy.start({
        credential: { kind: 'api-key', value: REAL_KEY },
        upstream: 'ftp://x',
        warning: () => {},
      }),
    ).rejects.toThrow("ANTHROPIC_BASE_URL in the environment must be an http or https URL, not 'ftp://x'.");
  });
});

describe("Claude's environment with the stand-in", () => {
  const configWith = (inputs: Record<string, string>) =>
    readInputs(
      { getInput: (name) => ({ prompt: 'p', 'github-token': 'ghs-1', ...inputs })[name] ?? '', setSecret: () => {} },
      process.cwd(),
    );

  it('picks the credential as the CLI would: an input first, else the API key of the job, else its OAuth token', () => {
    const both = { ANTHROPIC_API_KEY: 'env-key', CLAUDE_CODE_OAUTH_TOKEN: 'env-oauth' };
    expect(claudeCredential(configWith({ 'anthropic-api-key': 'in-key' }), both)).toEqual({
      kind: 'api-key',
      value: 'in-key',
    });
    expect(claudeCredential(configWith({ 'claude-code-oauth-token': 'in-oauth' }), both)).toEqual({
      kind: 'oauth',
      value: 'in-oauth',
    });
    expect(claudeCredential(configWith({}), both)).toEqual({ kind: 'api-key', value: 'env-key' });
    expect(claudeCredential(configWith({}), { CLAUDE_CODE_OAUTH_TOKEN: 'env-oauth' })).toEqual({
      kind: 'oauth',
      value: 'env-oauth',
    });
    expect(claudeCredential(configWith({}), { ANTHROPIC_AUTH_TOKEN: 'gateway-token' })).toEqual({
      kind: 'auth-token',
      value: 'gateway-token',
    });
    expect(claudeCredential(configWith({}), { ANTHROPIC_API_KEY: '' })).toBeUndefined();
  });

  it('holds no copy of any credential the job has, under any name, and a gateway token only as a stand-in', () => {
    const config = configWith({ 'claude-code-oauth-token': 'real-oauth-token' });
    const parent = {
      PATH: '/bin',
      ANTHROPIC_API_KEY: 'job-key',
      ANTHROPIC_AUTH_TOKEN: 'gateway-token',
      KEY_COPY: 'job-key',
      GATEWAY_COPY: 'gateway-token',
    };
    const standIn = { kind: 'oauth' as const, token: 'sk-ant-oat01-standin', baseUrl: 'http://127.0.0.1:4000' };
    expect(Object.keys(buildClaudeEnv(config, parent, false, ACTIONS_WORDS, standIn).env).sort()).toEqual([
      'ANTHROPIC_BASE_URL',
      'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC',
      'CLAUDE_CODE_OAUTH_TOKEN',
      'PATH',
    ]);
    const gateway = { kind: 'auth-token' as const, token: 'autonomous-loop-standin', baseUrl: 'http://127.0.0.1:4000' };
    const { env } = buildClaudeEnv(
      configWith({}),
      { PATH: '/bin', ANTHROPIC_AUTH_TOKEN: 'gateway-token' },
      false,
      ACTIONS_WORDS,
      gateway,
    );
    expect(env.ANTHROPIC_AUTH_TOKEN).toBe('autonomous-loop-standin');
    expect(JSON.stringify(env)).not.toContain('gateway-token');
  });

  it('holds the stand-in and the proxy’s address, and no variable with a real credential', () => {
    const config = configWith({ 'claude-code-oauth-token': 'real-oauth-token' });
    const parent = {
      PATH: '/bin',
      ANTHROPIC_API_KEY: 'job-key',
      CLAUDE_CODE_OAUTH_TOKEN: 'real-oauth-token',
      MY_COPY: 'real-oauth-token',
      ANTHROPIC_BASE_URL: 'https://gateway.example',
    };
    const { env } = buildClaudeEnv(config, parent, false, ACTIONS_WORDS, {
      kind: 'oauth',
      token: 'sk-ant-oat01-standin',
      baseUrl: 'http://127.0.0.1:4000',
    });
    expect(env).toEqual({
      PATH: '/bin',
      CLAUDE_CODE_OAUTH_TOKEN: 'sk-ant-oat01-standin',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:4000',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    });
  });
});
