/**
 * The terminal's side of the one door for untrusted text: redacted, with no control sequence a terminal would act on
 * and no workflow command a CI log would (the command may run inside a job), in colour only where it helps.
 */
import type { Log } from '../core/log.js';
import { terminalText, type Secrets } from '../text/untrusted-text.js';

/** Colour on a TTY only, never with NO_COLOR set (and not empty, as https://no-color.org has it), nor on a dumb one. */
export function useColour(isTTY: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  return isTTY === true && (env.NO_COLOR ?? '') === '' && env.TERM !== 'dumb';
}

export type Paint = (style: 'bold' | 'dim' | 'green' | 'yellow' | 'red', text: string) => string;

const CODES = { bold: [1, 22], dim: [2, 22], green: [32, 39], yellow: [33, 39], red: [31, 39] } as const;

export function painter(colour: boolean): Paint {
  return (style, text) => (colour ? `\x1b[${CODES[style][0]}m${text}\x1b[${CODES[style][1]}m` : text);
}

export interface TerminalOut {
  /** One line, already safe. */
  line(text: string): void;
  secrets: Secrets;
  paint: Paint;
  /** Claude's text and the runner's notes are not shown; warnings are. */
  quiet: boolean;
}

/** The runner's log on a terminal. Groups become headings: a terminal has nothing to fold. */
export function terminalLog(out: TerminalOut): Log {
  const safe = (message: string): string => terminalText(out.secrets.redact(message));
  return {
    text: (message) => {
      if (!out.quiet) out.line(safe(message));
    },
    warning: (message) => out.line(`${out.paint('yellow', 'warning:')} ${safe(message)}`),
    startGroup: (name) => {
      if (!out.quiet) out.line(out.paint('bold', `── ${safe(name)}`));
    },
    endGroup: () => undefined,
  };
}
