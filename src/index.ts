/** The action's entry point: the runner starts `node dist/index.js`. `@github/local-action` calls `run()` itself. */
import { run } from './actions/main.js';
import { reportUnsupportedPlatform, unsupportedPlatformReason } from './actions/platform.js';
import { killAllGroups } from './system/process-group.js';

// The last resort of every way out (an uncaught error too): nothing the action started may outlive it.
process.on('exit', () => killAllGroups('SIGKILL'));

// Before anything else: on Windows nothing may start that the action could not stop again.
const unsupported = unsupportedPlatformReason(process.platform);
if (unsupported === undefined) await run();
else await reportUnsupportedPlatform(unsupported);
// Outputs and the summary are written synchronously by now; do not let a lingering socket or timer hold the step.
process.exit();
