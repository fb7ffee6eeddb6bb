/**
 * A loopback HTTP proxy that holds the Anthropic credential so that Claude never does: Claude gets a stand-in token
 * of the same kind, good only here and only while the run lasts, and every request that carries it is sent on to the
 * API with the real credential in its place. Bodies stream through untouched; neither they nor a credential are logged.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { pipeline } from 'node:stream';

/** An API key (x-api-key), a subscription's OAuth token, or a gateway's bearer token (ANTHROPIC_AUTH_TOKEN). */
export type CredentialKind = 'api-key' | 'oauth' | 'auth-token';

export interface Credential {
  kind: CredentialKind;
  value: string;
}

export const ANTHROPIC_API = 'https://api.anthropic.com';

/** Anthropic's own prefixes: the CLI and anything that looks at the token see the kind they expect. */
const STAND_IN_PREFIX: Record<CredentialKind, string> = {
  'api-key': 'sk-ant-api03-',
  oauth: 'sk-ant-oat01-',
  'auth-token': 'autonomous-loop-',
};

/** A random token shaped like a real credential of that kind: the prefix, 93 base64url characters and `AA`. */
export function standInToken(kind: CredentialKind): string {
  return `${STAND_IN_PREFIX[kind]}${randomBytes(70).toString('base64url').slice(0, 93)}AA`;
}

/** Headers of one connection (and the host it was sent to), not of the request: Node writes its own for each side. */
const NOT_FORWARDED = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

function sameToken(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  // Compared as bytes: a header of as many characters but more bytes (non-ASCII) must not reach timingSafeEqual.
  const [a, b] = [Buffer.from(given), Buffer.from(token)];
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The headers to send upstream: every header of the request but those of its connection, with the stand-in replaced
 * by the real credential in whichever header carried it (`x-api-key` for an API key, `authorization: Bearer` for an
 * OAuth token). Undefined when no header carries the stand-in: such a request is not Claude's.
 */
export function upstreamHeaders(
  headers: http.IncomingHttpHeaders,
  standIn: string,
  credential: string,
): http.OutgoingHttpHeaders | undefined {
  const apiKey = headers['x-api-key'];
  const bearer = /^Bearer (.*)$/i.exec(headers.authorization ?? '')?.[1];
  const inApiKey = sameToken(typeof apiKey === 'string' ? apiKey : undefined, standIn);
  const inBearer = sameToken(bearer, standIn);
  if (!inApiKey && !inBearer) return undefined;
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !NOT_FORWARDED.has(name)) out[name] = value;
  }
  if (inApiKey) out['x-api-key'] = credential;
  if (inBearer) out.authorization = `Bearer ${credential}`;
  return out;
}

/** The upstream response's headers for Claude, without those of the upstream connection. */
export function downstreamHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !NOT_FORWARDED.has(name)) out[name] = value;
  }
  return out;
}

/** Where requests go: an http or https URL, whose path (a gateway's prefix) comes before each request's own. */
export function parseUpstream(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`ANTHROPIC_BASE_URL in the environment is not a URL: '${baseUrl}'.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`ANTHROPIC_BASE_URL in the environment must be an http or https URL, not '${baseUrl}'.`);
  }
  return url;
}

function sendError(res: http.ServerResponse, status: number, type: string, message: string): void {
  const body = JSON.stringify({ type: 'error', error: { type, message } });
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    // The CLI retries a 401 ten times otherwise; a token that is wrong now stays wrong.
    ...(status === 401 ? { 'x-should-retry': 'false' } : {}),
  });
  res.end(body);
}

export interface CredentialProxyOptions {
  credential: Credential;
  /** The job's ANTHROPIC_BASE_URL, or the Anthropic API. */
  upstream: string;
  /** Said once, for the first request that does not carry the stand-in. */
  warning: (message: string) => void;
  /** The job's environment: on Node versions that read it, its HTTPS_PROXY and NO_PROXY apply to the upstream. */
  proxyEnv?: NodeJS.ProcessEnv;
}

export class CredentialProxy {
  private readonly sockets = new Set<Socket>();
  private warned = false;

  private constructor(
    private readonly server: http.Server,
    private readonly upstream: URL,
    private readonly agent: http.Agent,
    private readonly credential: Credential,
    /** What Claude holds instead of the credential. */
    readonly token: string,
  ) {}

  /** Listens on 127.0.0.1, on a port the system picks. */
  static async start(options: CredentialProxyOptions): Promise<CredentialProxy> {
    const upstream = parseUpstream(options.upstream);
    const agentOptions = { keepAlive: true, proxyEnv: options.proxyEnv };
    const agent = upstream.protocol === 'https:' ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    const server = http.createServer();
    const proxy = new CredentialProxy(
      server,
      upstream,
      agent,
      options.credential,
      standInToken(options.credential.kind),
    );
    server.on('request', (req, res) => {
      // Whatever a local program sends, the action must not die of it: a request that cannot be forwarded gets 400.
      try {
        proxy.forward(req, res, options.warning);
      } catch {
        req.resume();
        if (!res.headersSent) sendError(res, 400, 'invalid_request_error', 'The proxy could not forward this request.');
        else res.destroy();
      }
    });
    server.on('connection', (socket: Socket) => {
      proxy.sockets.add(socket);
      socket.on('close', () => proxy.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    // The run closes it; if it ever did not, the action must still be able to exit.
    server.unref();
    return proxy;
  }

  /** What Claude's ANTHROPIC_BASE_URL becomes. */
  get url(): string {
    const address = this.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    return `http://127.0.0.1:${port}`;
  }

  /** Where requests go, without a path or anything else the job's URL may hold. */
  get upstreamOrigin(): string {
    return this.upstream.origin;
  }

  /** Stops listening and ends every connection, both sides. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.agent.destroy();
    await closed;
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse, warning: (message: string) => void): void {
    const headers = upstreamHeaders(req.headers, this.token, this.credential.value);
    // Only a path is taken from the request: an absolute URL (`GET http://elsewhere/`) must not choose the host.
    if (headers === undefined || !req.url?.startsWith('/')) {
      req.resume();
      sendError(res, 401, 'authentication_error', 'This proxy accepts only the token it gave Claude for this run.');
      if (!this.warned) {
        this.warned = true;
        warning(
          "The credential proxy refused a request that did not carry this run's token (a program that Claude ran?). " +
            'It answered 401; later such requests are refused without a word.',
        );
      }
      return;
    }
    const base = this.upstream.pathname.replace(/\/+$/, '');
    const upstreamRequest = (this.upstream.protocol === 'https:' ? https : http).request({
      protocol: this.upstream.protocol,
      // An IPv6 address comes in brackets in a URL, and without them here.
      hostname: this.upstream.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: this.upstream.port,
      method: req.method,
      path: `${base}${req.url}`,
      headers,
      agent: this.agent,
    });
    upstreamRequest.on('response', (upstreamResponse) => {
      res.writeHead(upstreamResponse.statusCode ?? 502, downstreamHeaders(upstreamResponse.headers));
      // Claude sees the status at once, not with the first event of a stream that may take a while.
      res.flushHeaders();
      // A failure on either side ends the other: Claude's abort cancels the upstream request, and an upstream that
      // breaks off mid-stream breaks Claude's response off too (rather than end it as if complete).
      pipeline(upstreamResponse, res, () => undefined);
    });
    upstreamRequest.on('error', (error: NodeJS.ErrnoException) => {
      req.resume();
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendError(res, 502, 'api_error', `The credential proxy could not reach the API: ${error.code ?? error.message}`);
    });
    // Claude gone before the answer is complete (its own timeout, a cancelled run): the upstream request goes too.
    res.on('close', () => {
      if (!res.writableFinished) upstreamRequest.destroy();
    });
    // Not a pipeline: an upstream that fails must leave Claude's side open for the 502.
    req.on('error', () => upstreamRequest.destroy());
    req.pipe(upstreamRequest);
  }
}
