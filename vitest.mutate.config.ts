import { defineConfig } from 'vitest/config';

// The unit tests, for `npm run mutate`. Integration and end-to-end tests (in folders of their own) run the built
// bundle in dist/, which a mutant of src/ never reaches, so they would only cost time. The unit tests left out below
// run git, npm, a shell or a loopback GitHub with real retries, and test no module of the mutated core; a static
// mutant runs every test there is, so each second here is paid a few hundred times.
export default defineConfig({
  test: {
    include: ['__tests__/*.test.ts'],
    exclude: [
      '__tests__/check-command.test.ts',
      '__tests__/claude-install.test.ts',
      '__tests__/mutate-script.test.ts',
      '__tests__/platform.test.ts',
      '__tests__/release-notes.test.ts',
      '__tests__/status-comment.test.ts',
      '__tests__/workflows.test.ts',
      '__tests__/workspace.test.ts',
    ],
    testTimeout: 60_000,
  },
});
