/**
 * Where a worker thread's script is and how Node must start it, in the three settings we run in:
 * - vitest and the CLI (tsx) run modules from their .ts sources. The worker is a .ts file beside
 *   the caller; Node 20 cannot run TypeScript, so the worker preloads tsx's CommonJS hook
 *   (`--import tsx` does not reach a worker's entry script on Node 20: "Unknown file extension").
 * - the electron-vite build bundles main-process code into out/main/*.js and emits each worker
 *   as its own entry (electron.vite.config.ts). The caller lands in out/main/ or in a shared
 *   chunk one folder below it: look beside it, then one up.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface WorkerLocation {
  url: URL;
  execArgv: string[] | undefined;
}

/**
 * @param callerUrl import.meta.url of the module that starts the worker
 * @param sourceFile the worker's .ts file, relative to the caller ('./session-worker.ts')
 * @param bundledFile the worker's bundle name in out/main ('sessionWorker.js')
 */
export function locateWorker(callerUrl: string, sourceFile: string, bundledFile: string): WorkerLocation {
  if (callerUrl.endsWith('.ts')) {
    // Resolved from this module, so neither the caller's location nor the working directory matters.
    const tsxHook = createRequire(import.meta.url).resolve('tsx/cjs');
    return { url: new URL(sourceFile, callerUrl), execArgv: ['--require', tsxHook] };
  }
  const candidates = [new URL(`./${bundledFile}`, callerUrl), new URL(`../${bundledFile}`, callerUrl)];
  const url = candidates.find((candidate) => existsSync(fileURLToPath(candidate)));
  if (!url) throw new Error(`worker script not found at ${candidates.map((c) => fileURLToPath(c)).join(' or ')}`);
  return { url, execArgv: undefined };
}
