/**
 * A training run in its own worker thread, seen from the caller: events as they happen, and
 * pause / resume / cancel, honoured between steps. The app's main process and the CLI both
 * use this, so neither ever blocks on training.
 */
import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import { locateWorker } from '../../workers/locate-worker';
import type { TrainingResult } from './run-training';
import type { ControlMessage, JobEvent, TrainingWorkerData } from './training-job-protocol';
import type { TrainOptions } from './train-options';

export type { JobEvent } from './training-job-protocol';

export class TrainingJob {
  readonly events = new EventEmitter<{ event: [JobEvent] }>();
  readonly done: Promise<TrainingResult>;
  readonly #worker: Worker;

  constructor(options: TrainOptions) {
    const { url, execArgv } = locateWorker(import.meta.url, './training-worker.ts', 'trainingWorker.js');
    const workerData: TrainingWorkerData = { options };
    this.#worker = new Worker(url, { workerData, ...(execArgv ? { execArgv } : {}) });
    this.done = new Promise<TrainingResult>((resolve, reject) => {
      let settled = false;
      this.#worker.on('message', (event: JobEvent) => {
        this.events.emit('event', event);
        if (event.type === 'done') {
          settled = true;
          resolve(event.result);
          void this.#worker.terminate();
        } else if (event.type === 'failed') {
          settled = true;
          reject(new Error(event.message));
          void this.#worker.terminate();
        }
      });
      this.#worker.on('error', (error) => {
        if (!settled) reject(error);
        settled = true;
      });
      this.#worker.on('exit', (code) => {
        if (!settled) reject(new Error(`the training worker stopped unexpectedly (exit code ${code})`));
        settled = true;
      });
    });
  }

  #send(message: ControlMessage): void {
    this.#worker.postMessage(message);
  }

  pause(): void {
    this.#send({ type: 'pause' });
  }

  resume(): void {
    this.#send({ type: 'resume' });
  }

  /** Stops after the current step, with a checkpoint of it; `done` then resolves with reason 'cancelled'. */
  cancel(): void {
    this.#send({ type: 'cancel' });
  }
}
