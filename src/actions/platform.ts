/**
 * The runners the action works on. It stops Claude, the check command and everything they started by signalling
 * their POSIX process group, and it finds `claude` and `npm` on a POSIX PATH: neither exists on Windows, where a
 * cancelled or timed-out loop would leave Claude running. So on Windows the step fails at once, before any input is
 * read or anything is started, with a message that says what to use instead.
 */
import { setFailed, setOutput, summary } from '@actions/core';
import { failedBeforeStart } from '../core/outcome.js';
import { outcomeOutputs, renderSummary } from './report.js';

/** Why the action cannot run on `platform` (Node's `process.platform`); undefined when it can. */
export function unsupportedPlatformReason(platform: NodeJS.Platform): string | undefined {
  if (platform !== 'win32') return undefined;
  return (
    'This action runs on Linux and macOS runners only, and this runner is Windows: it stops Claude and what Claude ' +
    'started through POSIX process groups, and finds claude and npm on a POSIX PATH. Use `runs-on: ubuntu-latest` ' +
    'or `macos-latest` (or a self-hosted Linux or macOS runner) for the job that runs the loop.'
  );
}

/** Fails the step with `reason`, and sets every output and the job summary as any failure before the loop does. */
export async function reportUnsupportedPlatform(reason: string): Promise<void> {
  const outcome = failedBeforeStart(reason);
  for (const [name, value] of Object.entries(outcomeOutputs(outcome))) setOutput(name, value);
  if (process.env.GITHUB_STEP_SUMMARY) await summary.addRaw(renderSummary(outcome), true).write();
  setFailed(reason);
}
