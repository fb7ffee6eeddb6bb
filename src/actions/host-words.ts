/**
 * The Action's words for what the shared layers report: the runner's job as where the loop runs, the inputs by name,
 * and the runner's variables that nothing we start may see.
 */
import path from 'node:path';
import type { SetupProblem } from '../claude/claude-install.js';
import type { HostWords } from '../runner.js';

export const ACTIONS_WORDS: HostWords = {
  where: 'a GitHub Actions job',
  /**
   * The inputs (they hold the tokens), the runner's own credentials for caches, artifacts and OIDC, and the runner's
   * file commands, through which a tool could set the action's outputs, the job summary, or variables and PATH
   * entries for every later step.
   */
  withheld:
    /^(INPUT_|ACTIONS_RUNTIME_|ACTIONS_ID_TOKEN_REQUEST_|ACTIONS_CACHE_URL$|ACTIONS_RESULTS_URL$|GITHUB_(OUTPUT|ENV|PATH|STATE|STEP_SUMMARY)$)/,
  githubToken: 'the github-token input',
  setup: describeSetup,
  notAWorkTree: (directory, detail) =>
    `Input 'working-directory' (${directory}) is not inside a git work tree: run actions/checkout first. (${detail})`,
  stateDir: (directory) => `'state-dir' (${directory})`,
};

function describeSetup(problem: SetupProblem): string {
  switch (problem.kind) {
    case 'claude-path-not-executable':
      return `Input 'claude-path' is "${problem.given}", but ${problem.resolved} is not an executable file.`;
    case 'path-version-differs':
      return (
        `The claude on PATH (${problem.onPath}) is version ${problem.version}, but input 'claude-version' is ` +
        `"${problem.wanted}": using ${problem.wanted}. Set 'claude-version' to "${problem.version}", or ` +
        "'claude-from-path' to true, to use the one on PATH."
      );
    case 'npm-missing':
      return (
        `Could not install ${problem.what} (input 'claude-version'): npm is not on PATH. Install Node.js with npm on ` +
        "the runner (e.g. actions/setup-node), or set the 'claude-path' input to an installed claude."
      );
    case 'npm-failed':
      return `Could not install ${problem.what} (input 'claude-version'): npm ${problem.failure}.`;
  }
}

/**
 * The runner's tool cache, shared with the actions that use @actions/tool-cache; outside a runner
 * (`@github/local-action`) one under the system's temporary directory.
 */
export function actionsToolCacheDir(env: NodeJS.ProcessEnv, tempRoot: string): string {
  return env.RUNNER_TOOL_CACHE || path.join(tempRoot, 'tool-cache');
}
