#!/usr/bin/env node
/** The `autonomous-loop` command's entry point (package.json `bin`): `node dist/local/index.js`. */
import { killAllGroups } from '../system/process-group.js';
import { main } from './main.js';
import { VERSION } from './version.js';

// The last resort of every way out (an uncaught error too): nothing this command started may outlive it.
process.on('exit', () => killAllGroups('SIGKILL'));

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  version: VERSION,
});
// Let what was written reach a pipe before exiting; a lingering socket or timer must not hold the terminal.
await new Promise((resolve) => process.stdout.write('', resolve));
await new Promise((resolve) => process.stderr.write('', resolve));
process.exit(code);
