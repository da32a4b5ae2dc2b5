import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'connectors/**/*.test.ts'],
    // A bound that only catches a hang: tests that start several CLI processes take minutes on a loaded 2-core machine.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    // Each test file makes its own database; two at a time keeps a 2-core machine responsive.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
