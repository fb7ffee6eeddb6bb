/**
 * The one log interface, for the runner and every front end: plain lines and warnings may hold untrusted text, and
 * the host makes them safe for where they go (a runner's log, a terminal).
 */
export interface Log {
  /** A plain line. */
  text(message: string): void;
  /** A line that asks for attention: an annotation on a runner, `warning:` on a terminal. */
  warning(message: string): void;
  /** Opens a group of lines (a fold on a runner, a heading on a terminal); one is open at a time. */
  startGroup(name: string): void;
  endGroup(): void;
}
