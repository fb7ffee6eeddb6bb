/**
 * The flags that name places: the working directory (in a git work tree), the prompt file and the state directory,
 * held to the same safety as the action's inputs, with the repository in place of the workspace.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isWithin, realPath } from '../system/real-path.js';
import { UsageError, type Get } from './flag-values.js';

/** Where the command runs. */
export interface Where {
  /** Where relative paths start. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The top level of the git work tree that holds a directory; throws git's words when there is none. */
  repositoryOf(directory: string, env: NodeJS.ProcessEnv): string;
}

export function readWorkingDirectory(get: Get, where: Where): { workingDirectory: string; repository: string } {
  const given = get('working-directory');
  const workingDirectory = path.resolve(where.cwd, given);
  if (!existsSync(workingDirectory) || !statSync(workingDirectory).isDirectory()) {
    throw new UsageError(`--working-directory is '${given}', but ${workingDirectory} is not a directory.`);
  }
  try {
    return { workingDirectory, repository: where.repositoryOf(workingDirectory, where.env) };
  } catch (error) {
    const which =
      given === '' ? `The current directory (${workingDirectory})` : `--working-directory (${workingDirectory})`;
    throw new UsageError(
      `${which} is not inside a git work tree: the loop tells Claude's changes by git. Run autonomous-loop in a ` +
        `repository (git init, or a clone), or pass --working-directory. (${(error as Error).message.trim()})`,
    );
  }
}

export function readPrompt(get: Get, workingDirectory: string, repository: string): string {
  const prompt = get('prompt');
  const promptFile = get('prompt-file');
  if (prompt !== '' && promptFile !== '') throw new UsageError('Give one of --prompt and --prompt-file, not both.');
  if (prompt === '' && promptFile === '') {
    throw new UsageError('Give --prompt or --prompt-file: the task for Claude is missing (see --help).');
  }
  if (prompt !== '') return prompt;
  const file = path.resolve(workingDirectory, promptFile);
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new UsageError(`--prompt-file is '${promptFile}', but ${file} does not exist or is not a file.`);
  }
  // A file in the repository is the repository's to link anywhere (a cloned pull request's link to ~/.ssh/id_rsa
  // would put your key in the prompt); one you name outside it is your choice.
  const real = realPath(file);
  if (linkLeadsOut(file, realPath(repository))) {
    throw new UsageError(
      `--prompt-file is '${promptFile}', but ${file} leads out of the repository (${repository}) through a link, ` +
        `to ${real}: a prompt file in the repository must stay in it.`,
    );
  }
  const text = readFileSync(file, 'utf8');
  if (text.trim() === '') throw new UsageError(`--prompt-file is '${promptFile}', but ${file} is empty.`);
  return text;
}

/**
 * Whether a link in `root` (a real path) is on the way to `file`: a name whose folder is really in `root` and that
 * really leads out of it. The spelling of `file` does not count (the repository may be reached through a link).
 */
function linkLeadsOut(file: string, root: string): boolean {
  for (
    let current = file, parent = path.dirname(file);
    parent !== current;
    current = parent, parent = path.dirname(parent)
  ) {
    if (isWithin(realPath(parent), root) && !isWithin(realPath(current), root)) return true;
  }
  return false;
}

/**
 * Outside the repository, by its spelling and by where it leads: the loop would count its own saves as Claude's
 * changes, and Claude could edit what the next run trusts.
 */
export function readStateDir(get: Get, cwd: string, repository: string): string {
  const given = get('state-dir');
  if (given === '') return '';
  const stateDir = path.resolve(cwd, given);
  const real = realPath(stateDir);
  // The working directory is inside the repository: holding the state dir outside the one holds it outside both.
  if (isWithin(stateDir, repository) || isWithin(real, realPath(repository))) {
    const through = real === stateDir ? '' : ` (through a link: ${real})`;
    throw new UsageError(
      `--state-dir is '${given}', which is inside the repository (${repository})${through}: use a directory ` +
        'outside it, e.g. ~/.cache/autonomous-loop/this-task.',
    );
  }
  if (existsSync(stateDir) && !statSync(stateDir).isDirectory()) {
    throw new UsageError(`--state-dir is '${given}', but ${stateDir} is not a directory.`);
  }
  return stateDir;
}

/** Where `--summary` writes, absolute; its folder must exist, so that a loop's summary is not lost at the end. */
export function readSummaryFile(get: Get, cwd: string): string | undefined {
  const given = get('summary');
  if (given === '') return undefined;
  const file = path.resolve(cwd, given);
  if (!existsSync(path.dirname(file)) || !statSync(path.dirname(file)).isDirectory()) {
    throw new UsageError(`--summary is '${given}', but ${path.dirname(file)} is not a directory.`);
  }
  if (existsSync(file) && statSync(file).isDirectory()) {
    throw new UsageError(`--summary is '${given}', but ${file} is a directory.`);
  }
  return file;
}
