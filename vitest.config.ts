import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['infra/local/polyfills.ts'],
    // Each file gets its own process: a local stack per file, module-scope clients not shared.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The local runtime runs on Node 20 by design (Lambda runs 22); the SDK's upgrade notice is noise here.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
