import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['infra/local/polyfills.ts'],
    // Each file gets its own process: a local stack per file, module-scope clients not shared.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING: 'true' },
  },
});
