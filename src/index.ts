/** The action's entry point: the runner starts `node dist/index.js`. `@github/local-action` calls `run()` itself. */
import { run } from './main.js';

await run();
// Outputs and the summary are written synchronously by now; do not let a lingering socket or timer hold the step.
process.exit();
