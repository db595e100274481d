/**
 * What every benchmark needs: this process's memory, timed session runs, and running one
 * measurement in a child process of its own (so each peak RSS belongs to that measurement alone).
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EngineSession, Feeds } from '../src/main/engine/onnx/session';

export type Figures = Record<string, number>;

export interface Memory {
  rss: number;
  peakRss: number;
  /** Private memory (heap, arenas, prepacked weights). */
  anon: number;
  /** File pages mapped in, e.g. the memory-mapped safetensors. */
  file: number;
}

/** This process's memory, threads included (Linux /proc; elsewhere RSS and peak only). */
export function memory(): Memory {
  let status: string;
  try {
    status = readFileSync('/proc/self/status', 'utf8'); // a snapshot between runs, nothing to overlap with
  } catch {
    return { rss: process.memoryUsage().rss, peakRss: process.resourceUsage().maxRSS * 1024, anon: NaN, file: NaN };
  }
  const bytes = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: bytes('VmRSS'), peakRss: bytes('VmHWM'), anon: bytes('RssAnon'), file: bytes('RssFile') };
}

export interface TimingOptions {
  /** Untimed runs first: the first run allocates the memory plan. */
  warmup: number;
  timed: number;
}

/** Seconds per run over `timed` runs after `warmup`, timed from this thread (includes the worker round trip). */
export async function timeRuns(session: EngineSession, feeds: Feeds | (() => Feeds), { warmup, timed }: TimingOptions): Promise<{ best: number; median: number }> {
  const next = typeof feeds === 'function' ? feeds : () => feeds;
  for (let i = 0; i < warmup; i++) await session.run(next());
  const seconds: number[] = [];
  for (let i = 0; i < timed; i++) {
    const input = next();
    const start = performance.now();
    await session.run(input);
    seconds.push((performance.now() - start) / 1000);
  }
  seconds.sort((a, b) => a - b);
  return { best: seconds[0]!, median: seconds[Math.floor(seconds.length / 2)]! };
}

/** The task this process was started for by `inChild`, or undefined in the parent. */
export function childTask(): string | undefined {
  return process.argv[2] === '--child' ? process.argv[3] : undefined;
}

/** Parent: runs `task` of the benchmark script `script` (its import.meta.url) in a fresh process (same tsx loader) and returns what it reports. */
export function inChild(script: string, task: string): Promise<Figures> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const proc = fork(fileURLToPath(script), ['--child', task], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: Figures | undefined;
    proc.on('message', (message: Figures) => (result = message));
    proc.on('error', reject);
    proc.on('exit', (code) => {
      if (!result || code !== 0) return reject(new Error(`benchmark task ${task} exited with code ${code}`));
      console.error(`  ${task}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
      resolvePromise(result);
    });
  });
}

/** Child: sends its figures to the parent. */
export function report(figures: Figures): void {
  process.send!(figures);
}
