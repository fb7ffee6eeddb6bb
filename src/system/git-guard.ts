/**
 * Settings that keep the action's own git commands from running programs that Claude could have configured: the
 * work tree's `.git/config` (and a nested repository's, and `~/.gitconfig`) is Claude's to write. Given to git as
 * command-line settings (GIT_CONFIG_COUNT), which win over every config file. Pure.
 */

/** A setting as git reads it from `GIT_CONFIG_KEY_<n>` and `GIT_CONFIG_VALUE_<n>`. */
export type GitSetting = readonly [key: string, value: string];

/**
 * Always: no fsmonitor hook (run by every command that reads the index) and no hooks (`update-index` runs
 * `post-index-change`). The fingerprint's other commands run none: `diff-tree --name-only` reads trees only (no
 * textconv, no external diff), `hash-object --stdin` hashes no path, and nothing fetches or pushes.
 */
export const QUIET_SETTINGS: readonly GitSetting[] = [
  ['core.fsmonitor', 'false'],
  ['core.hooksPath', '/dev/null'],
];

/**
 * `env` with `settings` added to its command-line settings, after those the workflow gave (a container job may give
 * `safe.directory` so): the workflow's own environment is trusted, the repository's configuration is not.
 */
export function withSettings(env: NodeJS.ProcessEnv, settings: readonly GitSetting[]): NodeJS.ProcessEnv {
  const result: NodeJS.ProcessEnv = { ...env };
  const given = Number(env.GIT_CONFIG_COUNT ?? '0');
  const first = Number.isSafeInteger(given) && given > 0 ? given : 0;
  result.GIT_CONFIG_COUNT = String(first + settings.length);
  settings.forEach(([key, value], i) => {
    result[`GIT_CONFIG_KEY_${first + i}`] = key;
    result[`GIT_CONFIG_VALUE_${first + i}`] = value;
  });
  return result;
}

/** `git config -z --list` as [key, value] pairs in order; a key without `=` has the value undefined (true). */
export function parseConfigList(out: string): Array<[string, string | undefined]> {
  return out
    .split('\0')
    .filter((entry) => entry !== '')
    .map((entry) => {
      const newline = entry.indexOf('\n');
      return newline === -1 ? [entry, undefined] : [entry.slice(0, newline), entry.slice(newline + 1)];
    });
}

/**
 * Every filter driver in the configuration, switched off: a clean filter (or a long-running `process` one) runs when
 * git hashes a file whose attributes name it, which `update-index` does for each changed file, and `diff-files` and
 * `update-index --refresh` for each racily clean one. The attributes cannot be kept from git, but a driver without a
 * command is no filter, and one that is not required cannot fail the command.
 */
export function filterSettings(config: ReadonlyArray<readonly [string, string | undefined]>): GitSetting[] {
  const drivers = new Set<string>();
  for (const [key] of config) {
    // The subsection (the driver's name) may hold dots: only the first and the last dot delimit it.
    const match = /^filter\.(.*)\.(clean|smudge|process|required)$/s.exec(key);
    if (match) drivers.add(match[1]);
  }
  return [...drivers].flatMap((driver): GitSetting[] => [
    [`filter.${driver}.clean`, ''],
    [`filter.${driver}.smudge`, ''],
    [`filter.${driver}.process`, ''],
    [`filter.${driver}.required`, 'false'],
  ]);
}
