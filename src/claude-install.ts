/**
 * Finds the `claude` executable: the `claude-path` input, else `claude` on PATH, else the pinned version installed
 * with npm into the runner's tool cache (kept there for later jobs on a self-hosted runner).
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface ClaudeExecutable {
  path: string;
  version: string;
  source: 'claude-path' | 'PATH' | 'tool cache' | 'installed';
}

export class ClaudeNotFoundError extends Error {
  override name = 'ClaudeNotFoundError';
}

/** @param env for `claude --version` and `npm install`: keep secrets out of it (`withoutSecrets`). */
export async function locateClaude(
  claudePath: string,
  claudeVersion: string,
  env: NodeJS.ProcessEnv,
  log: (message: string) => void,
): Promise<ClaudeExecutable> {
  if (claudePath !== '') {
    const resolved = path.resolve(claudePath);
    if (!isExecutableFile(resolved)) {
      throw new ClaudeNotFoundError(
        `Input 'claude-path' is "${claudePath}", but ${resolved} is not an executable file.`,
      );
    }
    return { path: resolved, version: await versionOf(resolved, env), source: 'claude-path' };
  }

  const onPath = findOnPath('claude', env.PATH ?? '');
  if (onPath) return { path: onPath, version: await versionOf(onPath, env), source: 'PATH' };

  const prefix = path.join(env.RUNNER_TOOL_CACHE || path.join(os.tmpdir(), 'tool-cache'), 'claude-code', claudeVersion);
  const cached = path.join(prefix, 'node_modules', '.bin', 'claude');
  if (isExecutableFile(cached)) {
    const version = await versionOf(cached, env).catch(() => '');
    if (version !== '') return { path: cached, version, source: 'tool cache' };
  }

  log(`No claude on PATH: installing @anthropic-ai/claude-code@${claudeVersion} into ${prefix}`);
  mkdirSync(prefix, { recursive: true });
  try {
    // Install scripts must run: the package's postinstall puts the native binary in place.
    await execFileAsync(
      'npm',
      [
        'install',
        '--no-save',
        '--no-audit',
        '--no-fund',
        '--prefix',
        prefix,
        `@anthropic-ai/claude-code@${claudeVersion}`,
      ],
      { env: { ...env, npm_config_ignore_scripts: 'false' }, maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim().split('\n').slice(-5).join('\n') ?? String(error);
    throw new ClaudeNotFoundError(
      `Could not install @anthropic-ai/claude-code@${claudeVersion} (input 'claude-version') with npm: ${detail}`,
    );
  }
  if (!isExecutableFile(cached)) {
    throw new ClaudeNotFoundError(
      `npm installed @anthropic-ai/claude-code@${claudeVersion}, but ${cached} is missing.`,
    );
  }
  return { path: cached, version: await versionOf(cached, env), source: 'installed' };
}

/** `claude --version` prints e.g. "2.1.330 (Claude Code)". */
async function versionOf(executable: string, env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout } = await execFileAsync(executable, ['--version'], { env, timeout: 30_000 });
    return stdout.trim().split(/\s/)[0] ?? '';
  } catch (error) {
    throw new ClaudeNotFoundError(`${executable} --version failed: ${(error as Error).message.split('\n')[0]}`);
  }
}

function findOnPath(name: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function isExecutableFile(file: string): boolean {
  try {
    if (!existsSync(file) || !statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
