/**
 * Getting the sandbox's tools ready, with real processes: PATH holds only stand-ins for bwrap, socat, apt-get, sudo
 * and sysctl (shell scripts that record how they were called), so nothing is installed on this machine.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findOnPath, prepareSandboxTools, type SandboxToolsOptions } from '../src/system/sandbox-tools.js';

const scratchDirs: string[] = [];
afterAll(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

// bwrap fails as on Ubuntu 24.04 while USERNS_RESTRICTED is set, until the sysctl stand-in has lifted it.
const BWRAP = `echo "bwrap $*" >> "$LOG"
if [ -n "$USERNS_RESTRICTED" ] && [ ! -e "$BIN/.userns" ]; then echo "bwrap: setting up uid map: Permission denied" >&2; exit 1; fi`;
const SOCAT = 'exit 0';

const STAND_INS: Record<string, string> = {
  bwrap: BWRAP,
  socat: SOCAT,
  // Puts bwrap and socat beside itself. FAIL_FIRST_INSTALL: lists too old until an update; APT_BROKEN: always fails.
  'apt-get': `echo "apt-get $* DEBIAN_FRONTEND=$DEBIAN_FRONTEND" >> "$LOG"
if [ "$1" = update ]; then touch "$BIN/.updated"; exit 0; fi
if [ -n "$APT_BROKEN" ] || { [ -n "$FAIL_FIRST_INSTALL" ] && [ ! -e "$BIN/.updated" ]; }; then echo "E: Unable to fetch some archives" >&2; exit 100; fi
cat > "$BIN/bwrap" <<'SCRIPT'
#!/bin/sh
${BWRAP}
SCRIPT
printf '#!/bin/sh\\n${SOCAT}\\n' > "$BIN/socat"
chmod +x "$BIN/bwrap" "$BIN/socat"`,
  sudo: `echo "sudo $*" >> "$LOG"
if [ -z "$SUDO_OK" ]; then echo "sudo: a password is required" >&2; exit 1; fi
[ "$1" = -n ] && shift
exec "$@"`,
  sysctl: `echo "sysctl $*" >> "$LOG"
if [ "$2" = kernel.apparmor_restrict_unprivileged_userns=0 ]; then touch "$BIN/.userns"; fi`,
};

interface Machine {
  bin: string;
  calls(): string[];
  logged: string[];
  options(env?: Record<string, string>, extra?: Partial<SandboxToolsOptions>): SandboxToolsOptions;
}

/** A PATH of stand-ins named in `programs`; `apparmor` is what the kernel's AppArmor switch file holds. */
function machine(programs: string[], apparmor?: string): Machine {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sandbox-tools-'));
  scratchDirs.push(dir);
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  const callLog = path.join(dir, 'calls');
  const switchFile = path.join(dir, 'apparmor_restrict_unprivileged_userns');
  if (apparmor !== undefined) writeFileSync(switchFile, `${apparmor}\n`);
  // What the stand-ins and `sudo -n env …` run themselves.
  for (const program of ['env', 'true', 'touch', 'chmod', 'printf', 'cat']) {
    symlinkSync(findOnPath(program, { PATH: process.env.PATH ?? '' })!, path.join(bin, program));
  }
  for (const program of programs) {
    writeFileSync(path.join(bin, program), `#!/bin/sh\n${STAND_INS[program]}\n`);
    chmodSync(path.join(bin, program), 0o755);
  }
  const logged: string[] = [];
  return {
    bin,
    logged,
    calls: () => (existsSync(callLog) ? readFileSync(callLog, 'utf8').trim().split('\n') : []),
    options: (env = {}, extra = {}) => ({
      env: { PATH: bin, LOG: callLog, BIN: bin, ...env },
      signal: new AbortController().signal,
      log: (line) => logged.push(line),
      platform: 'linux',
      runningAsRoot: false,
      timeoutMs: 10_000,
      apparmorSwitchFile: switchFile,
      ...extra,
    }),
  };
}

describe('the sandbox tools', () => {
  it('are ready when bwrap and socat are there and bwrap can make its namespaces', async () => {
    const m = machine(['bwrap', 'socat', 'apt-get', 'sudo']);
    expect(await prepareSandboxTools(m.options())).toEqual({ ready: true });
    // The probe runs bwrap as the CLI does, with new network and PID namespaces; nothing is installed.
    expect(m.calls()).toEqual([expect.stringMatching(/^bwrap .*--unshare-net --unshare-pid .* true$/)]);
  });

  it('are installed with apt-get when missing and the action runs as root', async () => {
    const m = machine(['apt-get']);
    expect(await prepareSandboxTools(m.options({}, { runningAsRoot: true }))).toEqual({ ready: true });
    expect(m.calls()).toEqual([
      'apt-get install -y --no-install-recommends bubblewrap socat DEBIAN_FRONTEND=noninteractive',
      expect.stringMatching(/^bwrap /),
    ]);
    expect(m.logged).toEqual(["Installing bubblewrap and socat for Claude Code's sandbox (bwrap, socat missing)."]);
  });

  it('are installed through passwordless sudo, after an apt-get update when the lists are stale', async () => {
    const m = machine(['socat', 'apt-get', 'sudo']);
    const result = await prepareSandboxTools(m.options({ SUDO_OK: '1', FAIL_FIRST_INSTALL: '1' }));
    expect(result).toEqual({ ready: true });
    expect(m.calls()).toEqual([
      'sudo -n true',
      'sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends bubblewrap socat',
      'apt-get install -y --no-install-recommends bubblewrap socat DEBIAN_FRONTEND=noninteractive',
      'sudo -n env DEBIAN_FRONTEND=noninteractive apt-get update -q',
      'apt-get update -q DEBIAN_FRONTEND=noninteractive',
      'sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends bubblewrap socat',
      'apt-get install -y --no-install-recommends bubblewrap socat DEBIAN_FRONTEND=noninteractive',
      expect.stringMatching(/^bwrap /),
    ]);
  });

  it('fail, saying what to install and how, when the action can neither sudo nor is root', async () => {
    const m = machine(['socat', 'apt-get', 'sudo']);
    const result = await prepareSandboxTools(m.options());
    expect(result).toEqual({
      ready: false,
      cancelled: false,
      reason:
        "Claude Code's sandbox needs bwrap, which is not on PATH, and autonomous-loop cannot install it (not root, and no " +
        'passwordless sudo). Install the packages first (in a workflow, in an earlier step): sudo apt-get install -y ' +
        'bubblewrap socat.',
    });
    expect(m.calls()).toEqual(['sudo -n true']);
  });

  it('fail the same way when there is no sudo at all', async () => {
    const m = machine(['apt-get']);
    const result = await prepareSandboxTools(m.options());
    expect(result).toMatchObject({ ready: false, reason: expect.stringContaining('needs bwrap and socat') });
    expect(result).toMatchObject({ reason: expect.stringContaining('sudo apt-get install -y bubblewrap socat') });
  });

  it('fail with what apt-get said when the install fails', async () => {
    const m = machine(['apt-get']);
    const result = await prepareSandboxTools(m.options({ APT_BROKEN: '1' }, { runningAsRoot: true }));
    expect(result).toMatchObject({ ready: false, cancelled: false });
    expect(result).toMatchObject({
      reason: expect.stringMatching(/installing them with apt-get failed \(exit code 100\): E: Unable to fetch/),
    });
  });

  it('fail when there is no apt-get to install with', async () => {
    const m = machine([]);
    const result = await prepareSandboxTools(m.options({}, { runningAsRoot: true }));
    expect(result).toMatchObject({ ready: false, reason: expect.stringContaining('there is no apt-get') });
  });

  it('lift the AppArmor restriction on user namespaces with sudo when bwrap is refused them', async () => {
    const m = machine(['bwrap', 'socat', 'sudo', 'sysctl'], '1');
    const result = await prepareSandboxTools(m.options({ USERNS_RESTRICTED: '1', SUDO_OK: '1' }));
    expect(result).toEqual({ ready: true });
    expect(m.calls()).toEqual([
      expect.stringMatching(/^bwrap /),
      'sudo -n true',
      'sudo -n sysctl -w kernel.apparmor_restrict_unprivileged_userns=0',
      'sysctl -w kernel.apparmor_restrict_unprivileged_userns=0',
      expect.stringMatching(/^bwrap /),
    ]);
    expect(m.logged[0]).toContain('setting kernel.apparmor_restrict_unprivileged_userns=0');
  });

  it('fail, naming the sysctl to run, when AppArmor restricts namespaces and the action cannot sudo', async () => {
    const m = machine(['bwrap', 'socat', 'sudo', 'sysctl'], '1');
    const result = await prepareSandboxTools(m.options({ USERNS_RESTRICTED: '1' }));
    expect(result).toMatchObject({ ready: false, cancelled: false });
    const { reason } = result as { reason: string };
    expect(reason).toContain('bwrap: setting up uid map: Permission denied');
    expect(reason).toContain('sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0');
    expect(m.calls()).not.toContain('sysctl -w kernel.apparmor_restrict_unprivileged_userns=0');
  });

  it('fail with the bwrap error when namespaces are refused for another reason (a container)', async () => {
    const m = machine(['bwrap', 'socat', 'sudo', 'sysctl']);
    const result = await prepareSandboxTools(m.options({ USERNS_RESTRICTED: '1', SUDO_OK: '1' }));
    expect(result).toMatchObject({ ready: false, reason: expect.stringContaining('In a container') });
    expect(m.calls().filter((call) => call.startsWith('sysctl'))).toEqual([]);
  });

  it('report a cancellation during the install as cancelled', async () => {
    const m = machine(['apt-get']);
    const controller = new AbortController();
    controller.abort();
    const result = await prepareSandboxTools(m.options({}, { runningAsRoot: true, signal: controller.signal }));
    expect(result).toMatchObject({ ready: false, cancelled: true });
  });

  it('need nothing on macOS, and refuse other systems', async () => {
    const m = machine([]);
    expect(await prepareSandboxTools(m.options({}, { platform: 'darwin' }))).toEqual({ ready: true });
    expect(await prepareSandboxTools(m.options({}, { platform: 'win32' }))).toMatchObject({
      ready: false,
      reason: expect.stringContaining('Linux and macOS only, not on win32'),
    });
  });
});
