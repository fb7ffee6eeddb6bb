/**
 * The GitHub REST client, loaded only when a report is about to be written. `@actions/github`, Octokit and its
 * plugins are a large part of the bundle, and most runs never talk to GitHub: importing them at the top of a module
 * made every start-up run their module code. With `import()` here, importing `issue.ts` or `status-comment.ts`
 * costs nothing until the first request.
 *
 * `webpackMode: "eager"` keeps that code inside `dist/index.js` (still run only when imported) instead of chunk
 * files: ncc writes `licenses.txt` per chunk, and while `main.ts` imports `@actions/core` the file it keeps would
 * lack the licenses of the main chunk. Once `main.ts` imports `workflow-commands.ts` instead, the main chunk holds
 * no package of its own and the comments can go: the chunks then also spare start-up compiling this code at all.
 */
import type { getOctokit } from '@actions/github';

export type GitHubClient = ReturnType<typeof getOctokit>;

/** Octokit's options as `getOctokit` takes them (its own plus those of the plugins given to it). */
type ClientOptions = NonNullable<Parameters<typeof getOctokit>[1]>;

/** A client with Octokit's defaults: one attempt per request. */
export async function plainClient(token: string, baseUrl: string): Promise<GitHubClient> {
  const { getOctokit } = await import(/* webpackMode: "eager" */ '@actions/github');
  return getOctokit(token, { baseUrl });
}

/** A client that retries server errors and lost connections, and waits out GitHub's rate limits. */
export async function resilientClient(token: string, options: ClientOptions): Promise<GitHubClient> {
  const [{ getOctokit }, { retry }, { throttling }] = await Promise.all([
    import(/* webpackMode: "eager" */ '@actions/github'),
    import(/* webpackMode: "eager" */ '@octokit/plugin-retry'),
    import(/* webpackMode: "eager" */ '@octokit/plugin-throttling'),
  ]);
  return getOctokit(token, options, retry, throttling);
}
