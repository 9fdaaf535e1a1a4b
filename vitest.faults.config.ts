// The fault suite (`npm run test:faults`): the service under crashes, outages and hostile input, one file at a time.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['faults/**/*.fault.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Rows kill processes, restart databases and pace against rate limits: run alone, not beside each other.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
