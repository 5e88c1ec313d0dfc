/// <reference types="vitest/config" />
// Vite builds the shop and the back office into one single-page application (ADR 0081): the shop's
// code is the entry chunk; the back office and the dashboard are separate chunks loaded on demand.
import { defineConfig } from 'vite';

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    target: 'es2022',
    manifest: true,
    // The CSP forbids inline scripts and styles: no module-preload polyfill, no inlined assets.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: {
    // `npm run dev`: the API through a gateway (the lead's local platform by default).
    proxy: { '/api': process.env.COMPTOIR_GATEWAY_URL ?? 'http://127.0.0.1:8080' },
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
  },
});
