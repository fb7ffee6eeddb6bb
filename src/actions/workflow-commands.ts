/**
 * The few functions of `@actions/core` the action uses, written the same way (workflow commands on stdout, file
 * commands in `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY`), so that `main.ts` can import these instead.
 *
 * Why: importing `@actions/core` loads its OIDC client, and with it `@actions/http-client`, `undici` and `tunnel`,
 * and `@actions/exec` and `@actions/io` for its platform details. None of them is used here, yet compiling and
 * running them was the largest part of the action's start-up. The output is the same, byte for byte
 * (`__tests__/workflow-commands.test.ts` compares it with `@actions/core`'s).
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, constants, existsSync } from 'node:fs';
import { access, appendFile, writeFile } from 'node:fs/promises';
import { EOL } from 'node:os';

export interface InputOptions {
  required?: boolean;
  trimWhitespace?: boolean;
}

/** The input as the runner passes it (`INPUT_<NAME>`), trimmed unless asked not to. */
export function getInput(name: string, options?: InputOptions): string {
  const value = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '';
  if (options?.required && !value) throw new Error(`Input required and not supplied: ${name}`);
  return options?.trimWhitespace === false ? value : value.trim();
}

/** The runner masks the value in the log from here on. */
export function setSecret(secret: string): void {
  issueCommand('add-mask', {}, secret);
}

export function warning(message: string): void {
  issueCommand('warning', {}, message);
}

export function error(message: string): void {
  issueCommand('error', {}, message);
}

/** An error annotation, and exit code 1 when the action exits. */
export function setFailed(message: string): void {
  process.exitCode = 1;
  error(message);
}

export function startGroup(name: string): void {
  issueCommand('group', {}, name);
}

export function endGroup(): void {
  issueCommand('endgroup', {}, '');
}

/** Through `GITHUB_OUTPUT` when the runner gives it, else as the older `set-output` command. */
export function setOutput(name: string, value: unknown): void {
  const file = process.env.GITHUB_OUTPUT || '';
  if (file) {
    issueFileCommand(file, keyValueMessage(name, value));
    return;
  }
  process.stdout.write(EOL);
  issueCommand('set-output', { name }, toCommandValue(value));
}

/** The job summary, appended to `GITHUB_STEP_SUMMARY` (the part of `core.summary` the action uses). */
class Summary {
  private buffer = '';

  addRaw(text: string, addEOL = false): Summary {
    this.buffer += text + (addEOL ? EOL : '');
    return this;
  }

  async write(options: { overwrite?: boolean } = {}): Promise<Summary> {
    const file = process.env.GITHUB_STEP_SUMMARY;
    if (!file) {
      throw new Error(
        'Unable to find environment variable for $GITHUB_STEP_SUMMARY. Check if your runtime environment supports job summaries.',
      );
    }
    try {
      await access(file, constants.R_OK | constants.W_OK);
    } catch {
      throw new Error(
        `Unable to access summary file: '${file}'. Check if the file has correct read/write permissions.`,
      );
    }
    await (options.overwrite ? writeFile : appendFile)(file, this.buffer, { encoding: 'utf8' });
    this.buffer = '';
    return this;
  }
}

export const summary = new Summary();

function issueCommand(command: string, properties: Record<string, string>, message: unknown): void {
  let text = `::${command}`;
  // As @actions/core: a property without a value is left out.
  const entries = Object.entries(properties).filter(([, value]) => value);
  if (entries.length > 0) text += ` ${entries.map(([key, value]) => `${key}=${escapeProperty(value)}`).join(',')}`;
  process.stdout.write(`${text}::${escapeData(message)}${EOL}`);
}

function issueFileCommand(file: string, message: string): void {
  if (!existsSync(file)) throw new Error(`Missing file at path: ${file}`);
  appendFileSync(file, `${message}${EOL}`, { encoding: 'utf8' });
}

function keyValueMessage(key: string, value: unknown): string {
  const delimiter = `ghadelimiter_${randomUUID()}`;
  const converted = toCommandValue(value);
  // A value holding the delimiter would end early and smuggle in more outputs.
  if (key.includes(delimiter))
    throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
  if (converted.includes(delimiter)) {
    throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
  }
  return `${key}<<${delimiter}${EOL}${converted}${EOL}${delimiter}`;
}

function toCommandValue(input: unknown): string {
  if (input === null || input === undefined) return '';
  if (typeof input === 'string' || input instanceof String) return String(input);
  return JSON.stringify(input);
}

function escapeData(value: unknown): string {
  return toCommandValue(value).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(value: unknown): string {
  return toCommandValue(value)
    .replace(/%/g, '%25')
    .replace(/\r/g, '%0D')
    .replace(/\n/g, '%0A')
    .replace(/:/g, '%3A')
    .replace(/,/g, '%2C');
}
