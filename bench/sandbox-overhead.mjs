// What Claude Code's sandbox adds per Bash command: the real CLI (the pinned devDependency) against the fake API,
// one session of N trivial Bash tool calls (`true`, one per turn), with and without the sandbox settings the action
// passes, and the same with no tool call at all to separate the per-run start-up from the per-command cost.
//
//   node bench/sandbox-overhead.mjs [--calls 20] [--runs 5]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startFakeAnthropicApi } from '../__tests__/fixtures/fake-anthropic-api.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLAUDE = path.join(ROOT, 'node_modules', '@anthropic-ai', 'claude-code', 'bin', 'claude.exe');
const { values } = parseArgs({
  options: { calls: { type: 'string', default: '20' }, runs: { type: 'string', default: '5' } },
});
const calls = Number(values.calls);
const runs = Number(values.runs);

const SANDBOX = JSON.stringify({
  sandbox: { enabled: true, failIfUnavailable: true, allowUnsandboxedCommands: false, network: { allowedDomains: [] } },
  permissions: { deny: ['Read(//proc/**)', 'Read(~/.*)'] },
});

/** Milliseconds for one CLI run of `n` Bash calls; checks that every call ran (and, sandboxed, in the sandbox). */
async function timeRun(n, sandboxed) {
  const script = [
    ...Array.from({ length: n }, () => ({ tool: 'Bash', input: { command: 'echo "ran $SANDBOX_RUNTIME"' } })),
    { text: 'done' },
  ];
  const api = await startFakeAnthropicApi(script);
  const home = mkdtempSync(path.join(os.tmpdir(), 'bench-sandbox-'));
  const args = ['-p', '--output-format', 'stream-json', '--verbose', '--permission-mode', 'bypassPermissions'];
  if (sandboxed) args.push('--settings', SANDBOX);
  const started = process.hrtime.bigint();
  const out = await new Promise((resolve, reject) => {
    const child = spawn(CLAUDE, [...args, 'go'], {
      cwd: home,
      env: {
        PATH: process.env.PATH,
        HOME: home,
        ANTHROPIC_BASE_URL: api.url,
        ANTHROPIC_API_KEY: 'sk-bench',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        IS_SANDBOX: '1',
      },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let text = '';
    child.stdout.on('data', (chunk) => (text += chunk));
    child.on('error', reject);
    child.on('close', () => resolve(text));
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  await api.close();
  rmSync(home, { recursive: true, force: true });
  const ran = out.match(sandboxed ? /"stdout":"(?:[^"\\]|\\.)*ran 1"/g : /"stdout":"ran"/g)?.length ?? 0;
  if (ran < n) throw new Error(`expected ${n} sandboxed=${sandboxed} commands, saw ${ran}`);
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const samples = { off0: [], on0: [], offN: [], onN: [] };
for (let i = 0; i < runs; i++) {
  // Interleaved, so that a busy moment of the machine slows both sides.
  samples.off0.push(await timeRun(0, false));
  samples.on0.push(await timeRun(0, true));
  samples.offN.push(await timeRun(calls, false));
  samples.onN.push(await timeRun(calls, true));
}
const m = Object.fromEntries(Object.entries(samples).map(([key, xs]) => [key, median(xs)]));
const perCommandOff = (m.offN - m.off0) / calls;
const perCommandOn = (m.onN - m.on0) / calls;
console.log(`CLI run, no tool call:      ${m.off0.toFixed(0)} ms without the sandbox, ${m.on0.toFixed(0)} ms with it`);
console.log(`CLI run, ${calls} Bash calls:     ${m.offN.toFixed(0)} ms without, ${m.onN.toFixed(0)} ms with`);
console.log(
  `Per Bash call:              ${perCommandOff.toFixed(1)} ms without, ${perCommandOn.toFixed(1)} ms with: ` +
    `+${(perCommandOn - perCommandOff).toFixed(1)} ms per command; start-up +${(m.on0 - m.off0).toFixed(0)} ms per CLI run ` +
    `(medians of ${runs})`,
);
