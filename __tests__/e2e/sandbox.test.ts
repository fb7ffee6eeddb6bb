/**
 * End to end with the REAL Claude Code CLI against the fake API, through the built action: under `sandbox: true` a
 * Bash command Claude runs cannot reach another loopback port nor read the action's environment through /proc, and
 * the loop still completes. Each attack also runs with `sandbox: false` and must succeed there: the control.
 */
import http from 'node:http';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { conversationText, startFakeAnthropicApi } from '../fixtures/fake-anthropic-api.mjs';
import { gate, makeRepo, ROOT, runAction, runnerLog } from '../helpers/action-runner.js';

const CLAUDE = path.join(ROOT, 'node_modules', '@anthropic-ai', 'claude-code', 'bin', 'claude.exe');
const WORKFLOW_TOKEN = 'ghs_fake_workflow_token_0123456789'; // what the action's github-token input holds here
const SSH_KEY = 'CANARY-SSH-PRIVATE-KEY-4711';

const cleanUps: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanUp of cleanUps.splice(0)) await cleanUp();
});

/** A server on another loopback port that counts the connections it gets. */
async function otherLoopbackServer(): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  const server = http.createServer((_request, response) => response.end('REACHED-THE-OTHER-PORT\n'));
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanUps.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { port: (server.address() as { port: number }).port, connections: () => connections };
}

/**
 * One iteration: Claude runs each command with the Bash tool, then says ready. `commands` gets the action's pid,
 * known only once the action has started. Returns the run and what the fake API saw of the tool results.
 */
async function loopRunning(commands: (actionPid: number) => string[], sandbox: boolean) {
  let actionPid = 0;
  const api = await startFakeAnthropicApi((_request, index) => {
    const list = commands(actionPid);
    if (index < list.length) return { tool: 'Bash', input: { command: list[index], description: 'attack' } };
    return { text: gate(true, 'Tried everything') };
  });
  cleanUps.push(() => api.close());
  const repo = makeRepo();
  const home = mkdtempSync(path.join(os.tmpdir(), 'claude-home-'));
  mkdirSync(path.join(home, '.ssh'));
  writeFileSync(path.join(home, '.ssh', 'id_ed25519'), `${SSH_KEY}\n`);
  const run = await runAction({
    cwd: repo.dir,
    inputs: {
      prompt: 'Run the commands, then finish.',
      'claude-path': CLAUDE,
      'anthropic-api-key': 'sk-ant-e2e-fake-key-000111222333',
      sandbox: String(sandbox),
    },
    env: {
      ANTHROPIC_BASE_URL: api.url,
      HOME: home,
      CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
      CLAUDE_CODE_MAX_RETRIES: '0',
      API_TIMEOUT_MS: '20000',
    },
    onStart: (child) => (actionPid = child.pid!),
  });
  // Every tool result the CLI sent back, as the model (and so an attacker steering it) reads them.
  const toolResults = conversationText(api.mainRequests.at(-1)!.body);
  return { run, toolResults };
}

describe.each([true, false])('sandbox: %s, with the real CLI', (sandbox) => {
  it(`${sandbox ? 'stops' : 'lets'} a Bash command's connection to another loopback port`, async () => {
    const other = await otherLoopbackServer();
    // Bash's own /dev/tcp and curl: no proxy variable to honour or ignore.
    const { run, toolResults } = await loopRunning(
      () => [
        `exec 3<>/dev/tcp/127.0.0.1/${other.port} && printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3`,
        `curl --noproxy '*' -sS -m 5 http://127.0.0.1:${other.port}/ || echo "curl failed: $?"`,
      ],
      sandbox,
    );
    expect(run.outputs.status, runnerLog(run.stdout)).toBe('completed');
    if (sandbox) {
      expect(other.connections()).toBe(0);
      expect(toolResults).not.toContain('REACHED-THE-OTHER-PORT');
      expect(toolResults).toMatch(/Connection refused|curl failed: 7/);
      expect(run.stdout).toContain("Claude's commands run in Claude Code's sandbox; hosts they may reach: none.");
    } else {
      expect(other.connections()).toBe(2);
      expect(toolResults).toContain('REACHED-THE-OTHER-PORT');
    }
  });

  it(`${sandbox ? 'stops' : 'lets'} a Bash command reading the action's environment through /proc`, async () => {
    const { run, toolResults } = await loopRunning(
      (pid) => [
        `cat /proc/${pid}/environ | tr '\\0' '\\n' | grep '^INPUT_GITHUB-TOKEN='`,
        // Past any check of the command's words: the path is only made when the command runs.
        `f=$(printf '/pr%sc/%s/env%sron' o ${pid} i); tr '\\0' '\\n' < "$f" | grep '^INPUT_GITHUB-TOKEN='`,
      ],
      sandbox,
    );
    expect(run.outputs.status, runnerLog(run.stdout)).toBe('completed');
    if (sandbox) {
      expect(toolResults).not.toContain(WORKFLOW_TOKEN);
      // The plain path meets the deny rule Read(//proc/**), which the CLI applies to the words of a Bash command;
      // the path made at run time meets the sandbox, whose /proc shows only its own processes.
      expect(toolResults).toMatch(/Permission to use Bash with command cat \/proc\/\d+\/environ has been denied/);
      expect(toolResults).toMatch(/\/proc\/\d+\/environ: No such file or directory/);
    } else {
      // Without the sandbox both reads work: they find the variable, its value overwritten by the action (see
      // integration/environ-scrub), not the token.
      expect(toolResults.match(/INPUT_GITHUB-TOKEN=x+/g)).toHaveLength(2);
      expect(toolResults).not.toContain(WORKFLOW_TOKEN);
    }
  });

  it(`${sandbox ? 'keeps' : 'lets'} a Bash command ${sandbox ? 'out of' : 'into'} the runner's temp directory and the home's dotfiles`, async () => {
    const { run, toolResults } = await loopRunning(
      () => [
        // The transcript the action writes there marks each run with this type.
        `grep -ho '"type":"autonomous_loop"' "$RUNNER_TEMP"/autonomous-loop-*.jsonl | head -1; echo "temp: $?"`,
        `cat "$(printf '%s/.s%sh/id_ed25519' "$HOME" s)"`,
      ],
      sandbox,
    );
    expect(run.outputs.status, runnerLog(run.stdout)).toBe('completed');
    if (sandbox) {
      expect(toolResults).not.toContain('"type":"autonomous_loop"');
      expect(toolResults).not.toContain(SSH_KEY);
    } else {
      expect(toolResults).toContain('"type":"autonomous_loop"');
      expect(toolResults).toContain(SSH_KEY);
    }
  });
});
