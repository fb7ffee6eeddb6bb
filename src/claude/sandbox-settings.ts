/**
 * The `--settings` JSON that turns on Claude Code's own sandbox, merged with one the user passes. Pure: the caller
 * reads a settings file. The CLI keeps only one --settings, so the user's goes in merged, never beside ours.
 */

export interface SandboxPolicy {
  /** Hosts the sandboxed commands may reach; empty: none. */
  allowedDomains: readonly string[];
  /** Absolute directories outside Claude's reach besides /proc and the home's dotfiles (the runner's temp directory). */
  privateDirectories: readonly string[];
}

/** The CLI's file tools; 2.1.330 has no Glob and Grep of its own, but other versions do. */
export const FILE_TOOLS = ['Read', 'Edit', 'Write', 'Glob', 'Grep'] as const;

/**
 * Permission rules that keep the file tools out of private places: they hold in every permission mode, and the CLI
 * applies the Read rules to sandboxed commands as well. `//` starts an absolute path, `~/` the home directory.
 */
export function sandboxDenyRules(privateDirectories: readonly string[]): string[] {
  const places = ['//proc/**', ...privateDirectories.map((directory) => `/${trimSlash(directory)}/**`), '~/.*'];
  return FILE_TOOLS.flatMap((tool) => places.map((place) => `${tool}(${place})`));
}

/**
 * The user's settings with the sandbox on: ours win for the keys we set (no command runs outside the sandbox, the
 * CLI refuses to start without one, the network is `allowedDomains`), the user's other sandbox keys stay, and the
 * deny rules are the union of both.
 */
export function settingsWithSandbox(
  userSettings: Readonly<Record<string, unknown>>,
  policy: SandboxPolicy,
): Record<string, unknown> {
  const userSandbox = objectOr(userSettings.sandbox);
  const userPermissions = objectOr(userSettings.permissions);
  const userDeny = Array.isArray(userPermissions.deny) ? (userPermissions.deny as unknown[]) : [];
  return {
    ...userSettings,
    sandbox: {
      ...userSandbox,
      enabled: true,
      // Without it, a CLI that finds no bubblewrap runs every command unsandboxed after one line on stderr.
      failIfUnavailable: true,
      allowUnsandboxedCommands: false,
      // Commands listed here would run outside the sandbox.
      excludedCommands: [],
      network: { ...objectOr(userSandbox.network), allowedDomains: [...policy.allowedDomains] },
    },
    permissions: {
      ...userPermissions,
      deny: [...new Set([...userDeny, ...sandboxDenyRules(policy.privateDirectories)])],
    },
  };
}

/** The value of the user's `--settings` (the last one, as the CLI keeps), and the other arguments. */
export function takeSettingsArg(args: readonly string[]): { settings: string | undefined; rest: string[] } {
  let settings: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--settings' && i + 1 < args.length) settings = args[++i];
    else if (arg.startsWith('--settings=')) settings = arg.slice('--settings='.length);
    else rest.push(arg);
  }
  return { settings, rest };
}

/** As the CLI reads the value of --settings: JSON when it starts with `{`, else the path of a JSON file. */
export function isInlineSettings(value: string): boolean {
  return value.trimStart().startsWith('{');
}

/** @param where what to call the text in an error, e.g. the file it came from */
export function parseSettings(text: string, where: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`The --settings for Claude Code (${where}) is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`The --settings for Claude Code (${where}) is not a JSON object.`);
  }
  return parsed as Record<string, unknown>;
}

function objectOr(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function trimSlash(directory: string): string {
  return directory.length > 1 ? directory.replace(/\/+$/, '') : directory;
}

/**
 * The one --settings value for a sandboxed run: the user's (inline in `claudeArgs`, or the file it names, which
 * `readFile` reads) merged with the sandbox's. Throws when the user's settings are not a JSON object.
 */
export function sandboxSettingsJson(
  claudeArgs: readonly string[],
  policy: SandboxPolicy,
  readFile: (file: string) => string,
): string {
  const { settings } = takeSettingsArg(claudeArgs);
  let user: Record<string, unknown> = {};
  if (settings !== undefined) {
    user = isInlineSettings(settings)
      ? parseSettings(settings, 'inline JSON')
      : parseSettings(readFile(settings), settings);
  }
  return JSON.stringify(settingsWithSandbox(user, policy));
}
