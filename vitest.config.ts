import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'spec/**/*.test.ts'],
    // gpu.js compiles kernels on first use, and the machine has 2 shared cores
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    // names the run's temporary folders and removes what is left of them at the end
    globalSetup: ['test/global-temp.ts'],
  },
});
