import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    // One temporary directory for the whole run, removed at its end.
    globalSetup: ['__tests__/helpers/temp-root.ts'],
    // Most test files wait on processes they start (git, the CLI, the built action), not on the CPU: a worker per
    // core keeps both cores busy where vitest's default (one less than the cores) would leave one idle.
    maxWorkers: '100%',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The JSON report lets .ci/run print a plain "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: 'coverage/vitest-report.json' }]],
  },
});
