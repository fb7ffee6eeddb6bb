/**
 * Finds and stops every process started under a run's marker, wherever it went: the CLI's Bash tool starts each
 * command in a new session, so `nohup cmd &` or `setsid cmd` leaves the process group that `killProcessGroup` stops.
 * The marker is a variable in the environment (as the GitHub runner tracks a job's processes), read from
 * /proc/<pid>/environ for this user's processes. Without /proc (macOS) nothing is found: only the group is stopped.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';

export const RUN_MARKER_NAME = 'AUTONOMOUS_LOOP_RUN';

/** Rounds of find-and-kill: a process that forks between a scan and the kill is found by the next round. */
const MAX_ROUNDS = 50;
const ROUND_PAUSE_MS = 10;

export class ProcessMarker {
  /** `NAME=value` as it stands in /proc/<pid>/environ, between NUL bytes. */
  private readonly entry: string;

  constructor(
    readonly value: string = randomUUID(),
    private readonly procDir = '/proc',
  ) {
    this.entry = `${RUN_MARKER_NAME}=${value}`;
  }

  /** `env` with the marker: every process started with it, and what those start, carries it. */
  mark<T extends NodeJS.ProcessEnv>(env: T): T & Record<typeof RUN_MARKER_NAME, string> {
    return { ...env, [RUN_MARKER_NAME]: this.value };
  }

  /** This user's processes that carry the marker, never this process itself. */
  find(): number[] {
    let entries: string[];
    try {
      entries = readdirSync(this.procDir);
    } catch {
      return [];
    }
    const uid = process.getuid?.();
    const found: number[] = [];
    for (const entry of entries) {
      if (!/^\d+$/.test(entry)) continue;
      const pid = Number(entry);
      if (pid === process.pid || pid === 1) continue;
      try {
        // root could read everyone's environment: another user's process is never ours to stop.
        if (uid !== undefined && statSync(`${this.procDir}/${entry}`).uid !== uid) continue;
        const environ = `\0${readFileSync(`${this.procDir}/${entry}/environ`, 'latin1')}`;
        if (environ.includes(`\0${this.entry}\0`) || environ.endsWith(`\0${this.entry}`)) found.push(pid);
      } catch {
        // Gone meanwhile, or not readable.
      }
    }
    return found;
  }

  /** Kills every marked process until none is left (or the rounds run out); resolves to how many were killed. */
  async sweep(): Promise<number> {
    const killed = new Set<number>();
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const found = this.find();
      if (found.length === 0) break;
      for (const pid of found) {
        try {
          process.kill(pid, 'SIGKILL');
          killed.add(pid);
        } catch {
          // Gone already.
        }
      }
      await new Promise((resolve) => setTimeout(resolve, ROUND_PAUSE_MS));
    }
    return killed.size;
  }
}
