/**
 * A speed probe in its own worker thread, seen from the caller, like TrainingJob for a run: the
 * caller's event loop stays free, and cancel stops it between steps. The process's memory is
 * sampled meanwhile: the probe trains in this process as a run would, so what it adds at its peak
 * is what a run of these settings adds.
 */
import { Worker } from 'node:worker_threads';
import { locateWorker } from '../../workers/locate-worker';
import { SPEED_PROBE_PLAN, type SpeedProbeOptions, type SpeedProbePlan, type SpeedProbeResult } from './speed-probe';

export interface SpeedWorkerData {
  options: SpeedProbeOptions;
  plan: SpeedProbePlan;
  /** Date.now() when the thread was asked for: starting it is part of a run's setup too. */
  spawnedAt: number;
}

export type SpeedWorkerMessage = { type: 'done'; result: SpeedProbeResult | null } | { type: 'failed'; message: string };

export interface SpeedJobResult {
  /** null: cancelled before it had a figure. */
  speed: SpeedProbeResult | null;
  /** Resident memory the probe added to this process at its peak (sampled), or null when not measured. */
  addedMemoryBytes: number | null;
}

const SAMPLE_MS = 50;
/** How long a cancelled probe may take to reach its next step before its thread is stopped outright. */
const CANCEL_GRACE_MS = 5_000;

export class SpeedJob {
  readonly done: Promise<SpeedJobResult>;
  readonly #worker: Worker;
  #cancelTimer: NodeJS.Timeout | null = null;
  #cancelled = false;

  constructor(options: SpeedProbeOptions, plan: SpeedProbePlan = SPEED_PROBE_PLAN) {
    const { url, execArgv } = locateWorker(import.meta.url, './speed-worker.ts', 'speedWorker.js');
    const workerData: SpeedWorkerData = { options, plan, spawnedAt: Date.now() };
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), SAMPLE_MS);
    this.#worker = new Worker(url, { workerData, ...(execArgv ? { execArgv } : {}) });
    this.done = new Promise<SpeedJobResult>((resolve, reject) => {
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearInterval(sampler);
        if (this.#cancelTimer) clearTimeout(this.#cancelTimer);
        outcome();
      };
      this.#worker.on('message', (message: SpeedWorkerMessage) => {
        peak = Math.max(peak, process.memoryUsage.rss());
        const added = peak > baseline ? peak - baseline : null;
        settle(() => (message.type === 'done' ? resolve({ speed: message.result, addedMemoryBytes: message.result ? added : null }) : reject(new Error(message.message))));
        void this.#worker.terminate();
      });
      this.#worker.on('error', (error) => settle(() => reject(error)));
      this.#worker.on('exit', (code) => settle(() => (this.#cancelled ? resolve({ speed: null, addedMemoryBytes: null }) : reject(new Error(`the speed measurement stopped unexpectedly (exit code ${code})`)))));
    });
  }

  /** Stops after the current step (or load); `done` then resolves with no speed. */
  cancel(): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    this.#worker.postMessage({ type: 'cancel' });
    this.#cancelTimer = setTimeout(() => void this.#worker.terminate(), CANCEL_GRACE_MS);
    this.#cancelTimer.unref();
  }
}
