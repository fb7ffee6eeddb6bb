/** The local command's exit codes: what a script or a terminal sees of how the loop ended. */
import type { LoopStatus } from '../core/outcome.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
/** 128 + SIGINT, as a shell reports a program that Ctrl-C stopped. */
export const EXIT_INTERRUPTED = 130;

/** An interruption wins: the loop was stopped, whatever status it then reported. */
export function exitCodeFor(status: LoopStatus, failOn: readonly LoopStatus[], interrupted: boolean): number {
  if (interrupted) return EXIT_INTERRUPTED;
  return failOn.includes(status) ? EXIT_FAILED : EXIT_OK;
}
