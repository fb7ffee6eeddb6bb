/**
 * Overwrites secrets in the process's initial environment block: the memory that /proc/<pid>/environ shows to every
 * process of the same user (a tool Claude runs can walk up to the action). Changing `process.env` leaves that block
 * as it was; writing the process's own memory through /proc/self/mem does not. Each variable is first set again in
 * `process.env`, which stores a new copy, so the process keeps reading its value after the block is overwritten.
 */
import { closeSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';

export type ScrubResult = { scrubbed: string[] } | { skipped: string };

export interface EnvironEntry {
  name: string;
  value: string;
  /** Byte offsets of the value in the block. */
  valueStart: number;
  valueEnd: number;
}

/** Fields 50 and 51 of /proc/<pid>/stat (env_start, env_end): where the initial environment lies in memory. */
export function environRange(stat: string): { start: number; end: number } | undefined {
  // Field 2 is the command name in parentheses and may hold spaces and ')': field 3 follows the last ')'.
  const fields = stat
    .slice(stat.lastIndexOf(')') + 1)
    .trim()
    .split(/\s+/);
  const start = Number(fields[50 - 3]);
  const end = Number(fields[51 - 3]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start <= 0 || end <= start) return undefined;
  return { start, end };
}

/** The `NAME=value` entries of an environment block (NUL-separated), with where each value lies. */
export function environEntries(block: Buffer): EnvironEntry[] {
  const entries: EnvironEntry[] = [];
  for (let at = 0; at < block.length;) {
    const found = block.indexOf(0, at);
    const end = found < 0 ? block.length : found;
    const equals = block.indexOf(0x3d, at);
    if (equals > at && equals < end) {
      entries.push({
        name: block.toString('utf8', at, equals),
        value: block.toString('utf8', equals + 1, end),
        valueStart: equals + 1,
        valueEnd: end,
      });
    }
    at = end + 1;
  }
  return entries;
}

/**
 * Overwrites with 'x' the value of every variable of the initial block for which `isSecret` holds. Never throws:
 * where it cannot (not Linux, /proc/self/mem not writable) it says why and changes nothing.
 */
export function scrubInitialEnvironment(
  isSecret: (name: string, value: string) => boolean,
  env: NodeJS.ProcessEnv = process.env,
): ScrubResult {
  if (process.platform !== 'linux') return { skipped: `there is no /proc/self/mem on ${process.platform}` };
  let fd: number | undefined;
  try {
    const range = environRange(readFileSync('/proc/self/stat', 'utf8'));
    if (!range) return { skipped: '/proc/self/stat does not say where the environment lies' };
    fd = openSync('/proc/self/mem', 'r+');
    const original = Buffer.alloc(range.end - range.start);
    if (readSync(fd, original, 0, original.length, range.start) !== original.length) {
      return { skipped: 'the environment block could not be read whole' };
    }
    const scrubbed = Buffer.from(original);
    const names: string[] = [];
    for (const entry of environEntries(original)) {
      if (!isSecret(entry.name, entry.value)) continue;
      // The new copy that the process reads from now on.
      const current = env[entry.name];
      if (current !== undefined) env[entry.name] = current;
      scrubbed.fill(0x78, entry.valueStart, entry.valueEnd);
      names.push(entry.name);
    }
    if (names.length === 0) return { scrubbed: [] };
    const before = names.map((name) => env[name]);
    writeSync(fd, scrubbed, 0, scrubbed.length, range.start);
    if (names.some((name, i) => env[name] !== before[i])) {
      // This libc still reads the old block: put it back, or the process would lose its own values.
      writeSync(fd, original, 0, original.length, range.start);
      return { skipped: 'process.env still read the initial block, which was put back' };
    }
    return { scrubbed: names };
  } catch (error) {
    return { skipped: (error as Error).message };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
