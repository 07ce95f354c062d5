import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The console's build: one bundle for every place it runs; its settings come from /config.json at run time. */
export default defineConfig({
  root,
  plugins: [react()],
  resolve: { alias: { '@shared': fileURLToPath(new URL('../shared', import.meta.url)) } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Mantine, React and the charts are big and change rarely: their own chunks stay cached across releases.
    rollupOptions: {
      output: {
        manualChunks(id) {
          const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(id);
          if (!m) return undefined;
          const pkg = m[1]!;
          if (['react', 'react-dom', 'scheduler'].includes(pkg)) return 'react';
          if (pkg.startsWith('@mantine/') && pkg !== '@mantine/charts') return 'mantine';
          if (pkg === '@mantine/charts' || pkg === 'recharts' || pkg.startsWith('d3-')) return 'charts';
          if (pkg.startsWith('@tanstack/')) return 'tanstack';
          return undefined;
        },
      },
    },
  },
});
