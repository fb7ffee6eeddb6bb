/** The git work tree the loop runs in: the loop tells Claude's changes by git, so the command needs one. */
import { execFileSync } from 'node:child_process';

/** The top level of the work tree that holds `directory`; throws git's own words when there is none. */
export function repositoryOf(directory: string, env: NodeJS.ProcessEnv): string {
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], {
      cwd: directory,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(stderr || (error as Error).message);
  }
}
