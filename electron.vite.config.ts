import { resolve } from 'node:path';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    build: { rollupOptions: { input: { index: resolve('src/main/index.ts') } } },
  },
  preload: {
    plugins: [externalizeDepsPlugin()],
    build: {
      rollupOptions: { input: { index: resolve('src/preload/index.ts') }, output: { format: 'cjs' } },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    plugins: [react()],
    build: {
      // electron-vite leaves code unminified; a smaller first chunk parses faster (first paint).
      // KFLOW_NO_MINIFY=1 keeps names for reading a CPU profile (docs/benchmarks.md).
      minify: !process.env['KFLOW_NO_MINIFY'],
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
});
