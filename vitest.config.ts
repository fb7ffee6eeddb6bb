import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    // One temporary directory for the whole run, removed at its end.
    globalSetup: ['__tests__/helpers/temp-root.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The JSON report lets .ci/run print a plain "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: 'coverage/vitest-report.json' }]],
  },
});
