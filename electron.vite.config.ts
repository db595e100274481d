import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { resolve } from 'node:path';
import { CONTENT_SECURITY_POLICY } from './src/main/security/csp';

/** Puts the app's CSP into the built page, from the same constant the web shell sends as a header. */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'hyperadapt-csp',
    apply: 'build',
    transformIndexHtml: (html) =>
      html.replace(
        '<meta charset="UTF-8" />',
        `<meta charset="UTF-8" />\n    <meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`,
      ),
  };
}

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          // The Electron main process.
          index: resolve(__dirname, 'src/main/index.ts'),
          // The web shell: the same API over HTTP for browsers, with no Electron.
          web: resolve(__dirname, 'src/main/web/main.ts'),
          // onnxruntime sessions run in this worker thread: session.run blocks its thread.
          sessionWorker: resolve(__dirname, 'src/main/engine/onnx/session-worker.ts'),
          // A training run, in its own worker thread so that neither the app nor the CLI blocks on it.
          trainingWorker: resolve(__dirname, 'src/main/engine/train/training-worker.ts'),
          // A few timed training steps for the Train step's time estimate, off the API's thread.
          speedWorker: resolve(__dirname, 'src/main/engine/train/speed-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    plugins: [svelte({ configFile: resolve(__dirname, 'svelte.config.mjs') }), contentSecurityPolicy()],
    build: {
      rollupOptions: {
        input: resolve(__dirname, 'src/renderer/index.html'),
      },
    },
  },
});
