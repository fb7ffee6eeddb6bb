import { defineConfig } from 'vitest/config';

// The unit tests of the pure core, for `npm run mutate`. Integration and end-to-end tests run the built bundle in
// dist/, which a mutant of src/ never reaches, so they would only cost time; tests that run git or the network are
// left out for the same reason, and so are the status comment's tests, which wait out real Octokit retries
// against a loopback GitHub (40 s, and a static mutant runs every test).
export default defineConfig({
  test: {
    include: [
      '__tests__/breaker.test.ts',
      '__tests__/failure.test.ts',
      '__tests__/gate.test.ts',
      '__tests__/inputs.test.ts',
      '__tests__/claude-cli.test.ts',
      '__tests__/docs.test.ts',
      '__tests__/loop.test.ts',
      '__tests__/loop-state.test.ts',
      '__tests__/report.test.ts',
      '__tests__/issue.test.ts',
      '__tests__/stream.test.ts',
      '__tests__/stream-fast-path.test.ts',
      '__tests__/stream-results.test.ts',
      '__tests__/untrusted-text.test.ts',
      '__tests__/log-door-batching.test.ts',
      '__tests__/transcript.test.ts',
    ],
    testTimeout: 60_000,
  },
});
