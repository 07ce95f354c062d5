import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The local runtime runs on Node 20 by design (Lambda runs 22); the SDK's upgrade notice is noise here.
    // The table and bucket names have no defaults (a function the stack did not give them fails
    // at once, locally as on AWS): unit tests that call the adapters with mocked clients name them here.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', TABLE_NAME: 'recoup', DROP_BUCKET: 'recoup-drop' },
    // Two test files at a time on a 2-core machine: an e2e file's stack waits on its stand-ins' threads
    // and the disk much of the time (measured on 2 cores: 293 s against 413 s one file at a time).
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          setupFiles: ['infra/local/polyfills.ts'],
          // Each file gets its own process: a local stack per file, module-scope clients not shared.
          pool: 'forks',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The console's components, rendered in a DOM (jsdom) without a browser or a stack.
        extends: true,
        plugins: [react()],
        test: {
          name: 'console',
          include: ['test/console/**/*.test.tsx'],
          environment: 'jsdom',
          setupFiles: ['test/console/setup-dom.ts'],
          testTimeout: 15_000,
        },
      },
    ],
  },
});
