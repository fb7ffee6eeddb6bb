/**
 * The state directory: the loop's state and a copy of Claude's session, so that a later run, on another machine with
 * an empty home directory, can continue the loop. Only the session file is kept, never the CLI's config directory,
 * and everything read back is untrusted (`StateStore` says how).
 */
import { randomBytes } from 'node:crypto';
import { constants, createWriteStream, type ReadStream } from 'node:fs';
import { lstat, mkdir, open, readdir, realpath, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { Readable, Transform } from 'node:stream';
import { MAX_STATE_BYTES, parseLoopState, type LoopState, type ParsedState } from '../core/loop-state.js';
import type { Secrets } from '../text/untrusted-text.js';
import { Relinker, runSettingsRecord } from './session-records.js';

export const STATE_FILE = 'state.json';
export const SESSION_FILE = 'session.jsonl';
/** A long loop's session is tens of megabytes; a bigger file is refused rather than handed to the CLI. */
export const MAX_SESSION_BYTES = 256 * 1024 * 1024;
/** A session line is a message; one far longer is refused before it is parsed (a crafted one can exhaust memory). */
export const MAX_SESSION_LINE = 16 * 1024 * 1024;
/**
 * Every open of a file from the state directory: no symbolic link is followed, and a FIFO planted there (tar restores
 * them) does not block the open; the file-type check that follows then refuses it.
 */
const OPEN_UNTRUSTED = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
/** A save's temporary file: `.<name>.<pid>-<random>.tmp`, so that runs sharing the directory never pick the same. */
const TEMPORARY = /^\.(state\.json|session\.jsonl)\.[0-9a-f-]+\.tmp$/;
/**
 * A save writes its temporary file in seconds: one older than this was left by a run that was killed, and one younger
 * may be another run's save in progress (two jobs on one runner with the same `state-dir`).
 */
export const STALE_TEMPORARY_MS = 10 * 60_000;

/** Where the CLI keeps its sessions: `$CLAUDE_CONFIG_DIR`, else `~/.claude` (see claude-cli-facts: sessions). */
export function claudeConfigDir(env: NodeJS.ProcessEnv): string {
  return env.CLAUDE_CONFIG_DIR || path.join(env.HOME || os.homedir(), '.claude');
}

/** The CLI files a session under its working directory with every character but ASCII letters and digits as '-'. */
export function sessionFile(configDir: string, cwd: string, sessionId: string): string {
  return path.join(configDir, 'projects', cwd.replace(/[^a-zA-Z0-9]/g, '-'), `${sessionId}.jsonl`);
}

/**
 * Only Claude's session file is kept, not the CLI's whole config directory: a config directory restored from a cache
 * that another workflow wrote could carry settings with hooks, an `apiKeyHelper` or permissions, that is, commands
 * the CLI would run. A session file is the conversation: it can steer Claude, not configure the CLI. It is checked
 * before the CLI sees it, and its records of an earlier run's system prompt and model are left out.
 *
 * Everything read from the directory is untrusted: symbolic links and FIFOs are refused (O_NOFOLLOW, O_NONBLOCK),
 * sizes and session lines are bounded, and every write goes to a fresh temporary file that is then renamed over the
 * old one, which replaces a planted link instead of writing through it. A job killed mid-write leaves the previous
 * save whole; its temporary file is removed by a later save, never one that another run's save may still be writing.
 */
export class StateStore {
  /**
   * @param configDir the CLI's config directory, where it reads and writes the session
   * @param cwd Claude's working directory
   */
  constructor(
    readonly dir: string,
    private readonly configDir: string,
    private readonly cwd: string,
    private readonly secrets: Secrets,
  ) {}

  /** The saved state; undefined when there is none. A state that cannot be read is a problem, not an error. */
  load(): Promise<ParsedState | undefined> {
    return loadState(this.dir);
  }

  /**
   * Puts the saved session where the CLI looks for it, checking on the way that it is a session file of this session,
   * and without the records from which the CLI would take its system prompt and model instead of from this run (see
   * session-records.ts). Throws with what is wrong; nothing is written then.
   */
  async restoreSession(state: LoopState): Promise<void> {
    const saved = path.join(this.dir, SESSION_FILE);
    const target = sessionFile(this.configDir, await this.physicalCwd(), state.sessionId);
    await mkdir(path.dirname(target), { recursive: true });
    const temporary = temporaryBeside(target);
    try {
      const lines = sessionLinesToRestore(saved, state.sessionId);
      await pipeline(Readable.from(lines), createWriteStream(temporary, { flags: 'wx', mode: 0o600 }));
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  /** The CLI files a session under its physical working directory: a workspace reached through a link resolves. */
  private async physicalCwd(): Promise<string> {
    return realpath(this.cwd).catch(() => this.cwd);
  }

  /** Forgets the saved loop, so that the next run starts a new one (its session could not be resumed). */
  async discard(): Promise<void> {
    await rm(path.join(this.dir, STATE_FILE), { force: true });
  }

  /**
   * Saves Claude's session (secrets redacted), then the state that refers to it. Returns what stood in the way and
   * was removed (a directory planted where a file goes, which would make every save fail), to be warned about.
   */
  async save(state: LoopState): Promise<string[]> {
    const removed: string[] = [];
    await mkdir(this.dir, { recursive: true });
    await removeLeftovers(this.dir, removed);
    const session = await this.findSession(state.sessionId);
    const [sessionTarget, stateTarget] = [SESSION_FILE, STATE_FILE].map((name) => path.join(this.dir, name));
    await clearWay(sessionTarget, removed);
    await copyAtomically(session, sessionTarget, this.secrets);
    const text = `${JSON.stringify(this.secrets.redactDeep(state), null, 2)}\n`;
    await clearWay(stateTarget, removed);
    await writeAtomically(stateTarget, text);
    return removed.map(
      (what) => `State directory ${this.dir}: removed ${what}, which would have made every save fail.`,
    );
  }

  /** Where the CLI wrote the session: under this working directory, or (a naming we did not foresee) any other. */
  private async findSession(sessionId: string): Promise<string> {
    const expected = sessionFile(this.configDir, await this.physicalCwd(), sessionId);
    if (await isFile(expected)) return expected;
    const projects = path.join(this.configDir, 'projects');
    const entries = await readdir(projects).catch(() => [] as string[]);
    for (const entry of entries) {
      const candidate = path.join(projects, entry, `${sessionId}.jsonl`);
      if (await isFile(candidate)) return candidate;
    }
    throw new Error(`Claude's session ${sessionId} was not found under ${projects}`);
  }
}

/** The state saved in `dir`, read before anything else is set up (see `StateStore.load`). */
export async function loadState(dir: string): Promise<ParsedState | undefined> {
  let text: string;
  try {
    const bytes = await readBounded(path.join(dir, STATE_FILE), MAX_STATE_BYTES);
    if (bytes === undefined) return undefined;
    text = bytes.toString('utf8');
  } catch (error) {
    return { problem: (error as Error).message };
  }
  return parseLoopState(text);
}

/**
 * Temporary files of a save that a kill interrupted (they would be cached along with the state forever), and anything
 * else under such a name that is not a file (a planted directory). Another run's save in progress is left alone.
 */
async function removeLeftovers(dir: string, removed: string[]): Promise<void> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  for (const entry of entries) {
    if (!TEMPORARY.test(entry)) continue;
    const file = path.join(dir, entry);
    const info = await lstat(file).catch(() => undefined);
    if (info === undefined) continue;
    const planted = !info.isFile();
    if (!planted && Math.abs(Date.now() - info.mtimeMs) < STALE_TEMPORARY_MS) continue;
    // Not being able to remove a leftover does not stop the save: the new temporary file has a name of its own.
    await rm(file, { recursive: true, force: true }).catch(() => undefined);
    if (planted) removed.push(`a ${describeType(info)} named like a temporary file (${entry})`);
  }
}

/** A directory where a save renames its file would make the rename fail: it goes (a link or a file is replaced). */
async function clearWay(target: string, removed: string[]): Promise<void> {
  const info = await lstat(target).catch(() => undefined);
  if (info === undefined || !info.isDirectory()) return;
  await rm(target, { recursive: true, force: true });
  removed.push(`a directory in place of ${path.basename(target)}`);
}

function describeType(info: { isDirectory(): boolean; isSymbolicLink(): boolean }): string {
  return info.isDirectory() ? 'directory' : info.isSymbolicLink() ? 'symbolic link' : 'special file';
}

async function isFile(file: string): Promise<boolean> {
  const handle = await open(file, OPEN_UNTRUSTED).catch(() => undefined);
  if (!handle) return false;
  try {
    return (await handle.stat()).isFile();
  } finally {
    await handle.close();
  }
}

/** A regular file's bytes, refused past `limit`; undefined when it does not exist. */
async function readBounded(file: string, limit: number): Promise<Buffer | undefined> {
  let handle;
  try {
    handle = await open(file, OPEN_UNTRUSTED);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw new Error(`${file} is a symbolic link`);
    throw new Error(`${file} could not be read: ${(error as Error).message}`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new Error(`${file} is not a regular file`);
    if (stat.size > limit) throw new Error(`${file} has ${stat.size} bytes, more than ${limit}`);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/**
 * The lines of a session file of `sessionId` to give the CLI, checked as they are read: a regular file of bounded
 * size whose every line is a JSON object, and whose lines that name a session all name this one, so that no other
 * loop's conversation is ever resumed under this id. The records of this run's settings are left out (a record
 * names its parent before it: one pass links the records after them past them). Throws with what is wrong.
 */
async function* sessionLinesToRestore(file: string, sessionId: string): AsyncGenerator<string> {
  const stream = await openForReading(file, MAX_SESSION_BYTES);
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const relinker = new Relinker();
  let named = 0;
  let number = 0;
  try {
    for await (const line of lines) {
      number++;
      if (line.length > MAX_SESSION_LINE)
        throw new Error(`line ${number} of ${file} is longer than ${MAX_SESSION_LINE} characters`);
      if (line.trim() === '') continue;
      let entry: unknown;
      try {
        entry = JSON.parse(line);
      } catch {
        throw new Error(`line ${number} of ${file} is not JSON`);
      }
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
        throw new Error(`line ${number} of ${file} is not a JSON object`);
      }
      const record = entry as Record<string, unknown>;
      const named_ = record.sessionId;
      if (named_ !== undefined && named_ !== sessionId) {
        throw new Error(`line ${number} of ${file} belongs to another session`);
      }
      if (named_ !== undefined) named++;
      const setting = runSettingsRecord(record);
      if (setting) {
        relinker.leaveOut(setting);
        continue;
      }
      const linked = relinker.relinked(record);
      yield `${linked === record ? line : JSON.stringify(linked)}\n`;
    }
  } finally {
    lines.close();
    stream.destroy();
  }
  if (named === 0) throw new Error(`${file} holds no line of session ${sessionId}`);
}

async function openForReading(file: string, limit: number): Promise<ReadStream> {
  let handle;
  try {
    handle = await open(file, OPEN_UNTRUSTED);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${file} is missing`);
    if (code === 'ELOOP') throw new Error(`${file} is a symbolic link`);
    throw new Error(`${file} could not be read: ${(error as Error).message}`);
  }
  const stat = await handle.stat();
  if (!stat.isFile() || stat.size > limit) {
    await handle.close();
    throw new Error(stat.isFile() ? `${file} has ${stat.size} bytes, more than ${limit}` : `${file} is not a file`);
  }
  // The stream owns the handle from here and closes it.
  return handle.createReadStream();
}

/**
 * A new file beside `target`, created exclusively, so that nothing planted there is written through; named by this
 * process and at random, so that no other run's save uses or removes it.
 */
function temporaryBeside(target: string): string {
  const name = `.${path.basename(target)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
  return path.join(path.dirname(target), name);
}

async function writeAtomically(target: string, text: string): Promise<void> {
  const temporary = temporaryBeside(target);
  try {
    await writeFile(temporary, text, { flag: 'wx', mode: 0o600 });
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Copies `source` over `target` through a temporary file, redacting `secrets` on the way when given. */
async function copyAtomically(source: string, target: string, secrets?: Secrets): Promise<void> {
  const temporary = temporaryBeside(target);
  try {
    const input = await openForReading(source, MAX_SESSION_BYTES);
    const output = createWriteStream(temporary, { flags: 'wx', mode: 0o600 });
    if (secrets) {
      const redactor = secrets.streamRedactor();
      const redact = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          done(null, redactor.push(chunk));
        },
        flush(done) {
          done(null, redactor.end());
        },
      });
      await pipeline(input, redact, output);
    } else {
      await pipeline(input, output);
    }
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
