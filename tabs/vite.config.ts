/**
 * The personal tab's build: React + Fluent UI into tabs/dist, served by the bot at /tab/
 * (bot/src/http/tab-static.ts). Hashed file names under assets/ let the server cache them
 * for a year; index.html is revalidated on every load.
 */
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/tab/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // `npx vite tabs` during development: the API comes from `npm start` on 3978.
    proxy: { '/api': 'http://localhost:3978' },
    fs: { allow: ['..'] },
  },
});
