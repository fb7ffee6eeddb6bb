/**
 * The state directory's saves against what another run, or a planted cache, put in their way: a second run saving
 * into the same directory at the same time, and directories where the saves' files go.
 */
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoopState } from '../src/core/loop-state.js';
import { sessionFile, StateStore, STALE_TEMPORARY_MS } from '../src/system/state-store.js';
import { Secrets } from '../src/text/untrusted-text.js';
import { loopState } from './helpers/builders.js';

const SESSION_ID = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';

function setUp(secrets = new Secrets([])): { dir: string; store: () => StateStore; state: LoopState; session: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'state-store-'));
  const cwd = path.join(root, 'work');
  const configDir = path.join(root, 'config');
  mkdirSync(cwd);
  const session = sessionFile(configDir, realpathSync(cwd), SESSION_ID);
  mkdirSync(path.dirname(session), { recursive: true });
  // Big enough that copying it takes several turns of the event loop, as a long session does.
  writeFileSync(session, `${JSON.stringify({ sessionId: SESSION_ID, text: 'x'.repeat(200_000) })}\n`.repeat(20));
  const dir = path.join(root, 'state');
  const state = loopState({
    prompt: 'Build it',
    sessionId: SESSION_ID,
    reason: 'r',
    iterations: 1,
    costUsd: 0.5,
    turns: 2,
    breaker: { runsWithoutChanges: 0, sameErrorCount: 0, lastError: undefined },
    lastGate: undefined,
    checkReport: undefined,
    savedAt: new Date(0).toISOString(),
  });
  return { dir, store: () => new StateStore(dir, configDir, cwd, secrets), state, session };
}

describe('StateStore.save', () => {
  it('loses no save when runs save into the same directory at once', async () => {
    const { dir, store, state } = setUp();
    const failures: string[] = [];
    // Each run saves after every iteration; the two runs' saves overlap at every point of a save in turn.
    const run = async (runs: number, delayMs: number) => {
      const own = store();
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      for (let i = 0; i < 12; i++) await own.save({ ...state, runs }).catch((error) => failures.push(String(error)));
    };
    await Promise.all([run(1, 0), run(2, 3), run(3, 7)]);
    expect(failures).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(['session.jsonl', 'state.json']);
  });

  it("leaves another run's save in progress, and removes one that a killed run left", async () => {
    const { dir, store, state } = setUp();
    mkdirSync(dir);
    const inProgress = '.state.json.4242-0a1b2c3d4e5f.tmp';
    const abandoned = '.session.jsonl.4343-0a1b2c3d4e5f.tmp';
    writeFileSync(path.join(dir, inProgress), '{');
    writeFileSync(path.join(dir, abandoned), 'x');
    const old = new Date(Date.now() - STALE_TEMPORARY_MS - 1000);
    utimesSync(path.join(dir, abandoned), old, old);
    expect(await store().save(state)).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual([inProgress, 'session.jsonl', 'state.json']);
  });

  it('removes a directory planted where its files go, or under the name of a temporary file, and says so', async () => {
    const { dir, store, state } = setUp();
    for (const planted of ['state.json', 'session.jsonl', '.state.json.0a1b2c.tmp']) {
      mkdirSync(path.join(dir, planted, 'inside'), { recursive: true });
    }
    const said = await store().save(state);
    expect(said).toEqual([
      `State directory ${dir}: removed a directory named like a temporary file (.state.json.0a1b2c.tmp), which would have made every save fail.`,
      `State directory ${dir}: removed a directory in place of session.jsonl, which would have made every save fail.`,
      `State directory ${dir}: removed a directory in place of state.json, which would have made every save fail.`,
    ]);
    expect(readdirSync(dir).sort()).toEqual(['session.jsonl', 'state.json']);
    expect(JSON.parse(readFileSync(path.join(dir, 'state.json'), 'utf8')).sessionId).toBe(SESSION_ID);
    expect(await store().load()).toEqual({ state });
  });

  it('saves the session with a key that a tool printed as wrapped base64 redacted', async () => {
    const key = `sk-ant-api03-${'Zq8Xv3Lm7Tp2Wk9Rb4Nc6Hj1Df5Gs0Ya'.repeat(3)}`;
    const { dir, store, state, session } = setUp(new Secrets([key]));
    const printed = execFileSync('base64', { input: `KEY=${key}\n`, encoding: 'utf8' });
    expect(printed.split('\n').length).toBeGreaterThan(2);
    appendFileSync(session, `${JSON.stringify({ sessionId: SESSION_ID, toolResult: printed })}\n`);
    await store().save(state);
    const saved = readFileSync(path.join(dir, 'session.jsonl'), 'utf8');
    const keyInBase64 = Buffer.from(`KEY=${key}`).toString('base64');
    expect(saved).toContain(keyInBase64.slice(0, 4));
    for (let at = 8; at + 12 <= keyInBase64.length - 4; at++)
      expect(saved).not.toContain(keyInBase64.slice(at, at + 12));
  });
});
