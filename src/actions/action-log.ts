/**
 * The action's log on the runner: plain lines go through the door for untrusted text; annotations, groups and the
 * step's failure are `@actions/core`'s commands, their text redacted first. Core escapes newlines in a command's
 * text, so whatever that text holds stays one command, and its own.
 */
import { endGroup, setFailed, startGroup, warning } from '@actions/core';
import type { Log } from '../core/log.js';
import type { LogDoor, Secrets } from '../text/untrusted-text.js';

/** The action's log: plain lines are made inert and redacted; the action's own commands stay commands. */
export function actionLog(door: LogDoor, secrets: Secrets): Log {
  // Groups do not nest in the runner's log: one is open at a time, and closing none writes nothing.
  let groupOpen = false;
  const log: Log = {
    text: (message) => door.text(message),
    warning: (message) => warning(door.annotation(message)),
    startGroup: (name) => {
      log.endGroup();
      startGroup(secrets.redact(name));
      groupOpen = true;
    },
    endGroup: () => {
      door.closeWindow();
      if (groupOpen) endGroup();
      groupOpen = false;
    },
  };
  return log;
}

/** An error annotation with `message`, redacted, and exit code 1 when the action exits. */
export function failStep(door: LogDoor, message: string): void {
  setFailed(door.annotation(message));
}
