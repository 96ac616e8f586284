import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end tests spawn the CLI and run local servers; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Both cores: most end-to-end time is child processes, npm installs and servers waiting (vitest's default leaves one core idle).
    maxWorkers: 2,
    // Temporary folders of the run in one folder, removed at the end (test/support/temp-folders.ts).
    globalSetup: ['./test/support/temp-folders.ts', './test/support/child-coverage.ts'],
    // With TSPROOF_CHILD_COVERAGE (npm run test:coverage): the CLI processes the tests spawn are measured too.
    setupFiles: ['./test/support/child-coverage-env.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    // `npm run test:coverage`: what the tests run of src/ in the test processes (the end-to-end
    // tests run the built CLI in child processes, which this does not count; docs/testing.md).
    coverage: { provider: 'v8', include: ['src/**'], reporter: ['text-summary', 'json-summary', 'json'], reportOnFailure: true },
  },
});
