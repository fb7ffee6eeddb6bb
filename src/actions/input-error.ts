/** An input (or a setting of the job's env) that the action cannot run with: its message names it and its value. */
export class InputError extends Error {
  override name = 'InputError';
}
