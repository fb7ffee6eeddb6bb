/**
 * The terminal's words for what the shared layers report: a developer's machine as where the loop runs, and the
 * command's flags by name.
 */
import path from 'node:path';
import type { SetupProblem } from '../claude/claude-install.js';
import type { HostWords } from '../runner.js';

export const LOCAL_WORDS: HostWords = {
  where: "a terminal on a developer's machine",
  // Run inside a CI job, the command keeps the runner's credentials and file commands from Claude as the Action does.
  withheld:
    /^(ACTIONS_RUNTIME_|ACTIONS_ID_TOKEN_REQUEST_|ACTIONS_CACHE_URL$|ACTIONS_RESULTS_URL$|GITHUB_(OUTPUT|ENV|PATH|STATE|STEP_SUMMARY)$)/,
  githubToken: 'the GitHub token',
  setup: describeSetup,
  notAWorkTree: (directory, detail) =>
    `The working directory (${directory}) is not inside a git work tree: the loop tells Claude's changes by git. ` +
    `Run autonomous-loop in a repository (git init, or a clone), or pass --working-directory. (${detail})`,
  stateDir: (directory) => `--state-dir (${directory})`,
};

function describeSetup(problem: SetupProblem): string {
  switch (problem.kind) {
    case 'claude-path-not-executable':
      return `--claude-path is "${problem.given}", but ${problem.resolved} is not an executable file.`;
    case 'path-version-differs':
      return (
        `The claude on PATH (${problem.onPath}) is version ${problem.version}, but --claude-version is ` +
        `${problem.wanted}: using ${problem.wanted}. Pass --claude-version ${problem.version}, or --claude-from-path, ` +
        'to use the one on PATH.'
      );
    case 'npm-missing':
      return (
        `Could not install ${problem.what} (--claude-version): npm is not on PATH. Install Node.js with npm, or ` +
        'pass --claude-path with an installed claude.'
      );
    case 'npm-failed':
      return `Could not install ${problem.what} (--claude-version): npm ${problem.failure}.`;
  }
}

/**
 * The user's own tool cache: never the shared temporary directory, where another user could put a `claude` there
 * first. `XDG_CACHE_HOME` counts only when absolute, as the XDG spec says.
 */
export function localToolCacheDir(env: NodeJS.ProcessEnv, homeDir: string): string {
  const cacheHome = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : undefined;
  return path.join(cacheHome ?? path.join(env.HOME || homeDir, '.cache'), 'autonomous-loop', 'tool-cache');
}
