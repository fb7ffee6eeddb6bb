/**
 * The GitHub REST client, loaded only when a report is about to be written. `@actions/github`, Octokit and its
 * plugins are a large part of the bundle, and most runs never talk to GitHub: importing them at the top of a module
 * made every start-up run their module code. With `import()` here, importing `issue.ts` or `status-comment.ts`
 * costs nothing until the first request.
 *
 * ncc puts what is imported here into chunk files of `dist/` beside `index.js`: start-up neither reads nor compiles
 * them. (The main chunk holds no package of its own, so ncc's `licenses.txt` still lists every bundled licence.)
 */
import type { getOctokit } from '@actions/github';

export type GitHubClient = ReturnType<typeof getOctokit>;

/** Octokit's options as `getOctokit` takes them (its own plus those of the plugins given to it). */
type ClientOptions = NonNullable<Parameters<typeof getOctokit>[1]>;

/** A client with Octokit's defaults: one attempt per request. */
export async function plainClient(token: string, baseUrl: string): Promise<GitHubClient> {
  const { getOctokit } = await import('@actions/github');
  return getOctokit(token, { baseUrl });
}

/** A client that retries server errors and lost connections, and waits out GitHub's rate limits. */
export async function resilientClient(token: string, options: ClientOptions): Promise<GitHubClient> {
  const [{ getOctokit }, { retry }, { throttling }] = await Promise.all([
    import('@actions/github'),
    import('@octokit/plugin-retry'),
    import('@octokit/plugin-throttling'),
  ]);
  return getOctokit(token, options, retry, throttling);
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
