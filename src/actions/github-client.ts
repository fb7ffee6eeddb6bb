/**
 * The GitHub REST client, loaded only when a report is about to be written: `@actions/github`, Octokit and its
 * plugins are a large part of the bundle and most runs never talk to GitHub. Every request is bounded by a
 * `RequestBound`: Octokit has no time-out of its own, and a GitHub that never answers must not hold the action's end.
 */
import type { getOctokit } from '@actions/github';

export type GitHubClient = ReturnType<typeof getOctokit>;

/** Octokit's options as `getOctokit` takes them (its own plus those of the plugins given to it). */
type ClientOptions = NonNullable<Parameters<typeof getOctokit>[1]>;

/**
 * The signal one request runs under, asked for when the request starts; its abort reason is the request's error. The
 * request, with the retry plugin's attempts and waits, is given up the moment it aborts.
 */
export type RequestBound = () => AbortSignal;

/**
 * A client with Octokit's defaults: one attempt per request. ncc puts what `import()` loads here into chunk files of
 * `dist/` beside `index.js`, which start-up neither reads nor compiles (the main chunk holds no package of its own, so
 * ncc's `licenses.txt` still lists every bundled licence).
 */
export async function plainClient(token: string, baseUrl: string, bound?: RequestBound): Promise<GitHubClient> {
  const { getOctokit } = await import('@actions/github');
  return withBound(getOctokit(token, { baseUrl }), bound);
}

/** A client that retries server errors and lost connections, and waits out GitHub's rate limits. */
export async function resilientClient(
  token: string,
  { bound, ...options }: ClientOptions & { bound?: RequestBound },
): Promise<GitHubClient> {
  const [{ getOctokit }, { retry }, { throttling }] = await Promise.all([
    import('@actions/github'),
    import('@octokit/plugin-retry'),
    import('@octokit/plugin-throttling'),
  ]);
  return withBound(getOctokit(token, options, retry, throttling), bound);
}

/**
 * A signal that aborts after `ms` (with `message` as its reason) or when any of `signals` does. Its timer does not
 * keep the process alive.
 */
export function timeLimit(ms: number, message: string, ...signals: AbortSignal[]): AbortSignal {
  const timer = new AbortController();
  setTimeout(() => timer.abort(new Error(message)), Math.max(0, ms)).unref();
  return AbortSignal.any([timer.signal, ...signals]);
}

/**
 * Wrapped after the plugins, so this hook is the outermost: the signal reaches `fetch`, and the race below ends the
 * call even while the retry or throttling plugin is waiting between attempts (its timers do not see the signal).
 */
function withBound(octokit: GitHubClient, bound: RequestBound | undefined): GitHubClient {
  if (!bound) return octokit;
  octokit.hook.wrap('request', async (request, options) => {
    const signal = bound();
    return untilAborted((async () => request({ ...options, request: { ...options.request, signal } }))(), signal);
  });
  return octokit;
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error
    ? signal.reason
    : new Error(String(signal.reason ?? 'The request was given up.'));
}

/** The part of a Bottleneck group the throttling plugin uses for its spacing of writes and searches. */
const unspaced = {
  key: () => ({
    schedule: (_options: unknown, task: (...args: unknown[]) => unknown, ...args: unknown[]) =>
      Promise.resolve(task(...args)),
  }),
};

/**
 * For tests: `throttle` options that send writes at once. The throttling plugin spaces writes 1 s apart (3 s for those
 * that notify, such as a new comment) in groups that every client of the process shares, so a test file that writes
 * many comments would wait a minute for it. Its handling of rate limits stays as it is.
 */
export const UNSPACED_WRITES = { write: unspaced, notifications: unspaced, search: unspaced } as unknown as Pick<
  NonNullable<ClientOptions['throttle']>,
  'write' | 'notifications' | 'search'
>;
