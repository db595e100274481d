/**
 * Trains the library's runs in this process, one at a time, and keeps the database in step with
 * each run: status transitions, a metric row per step and per validation, checkpoint rows, and
 * the adapter once it completes. Each run trains in its own worker thread (TrainingJob).
 *
 * Runs owned by another process (the app while the CLI asks, or the reverse) are not touched
 * directly: pause, resume and cancel are left as a request in the run's row, which its owner
 * picks up within a second.
 */
import type { EventEmitter } from 'node:events';
import type { TrainingResult } from '../engine/train/run-training';
import { TrainingJob, type JobEvent } from '../engine/train/training-job';
import type { TrainOptions } from '../engine/train/train-options';
import { registerAdapter } from './adapters';
import { reconcileCheckpoints, recordCheckpoint, resumeCheckpoint } from './checkpoints';
import { getDataset } from './datasets';
import { NoValidCheckpointError, RunStateError } from './errors';
import type { Library } from './library';
import { dropMetricsAfter, recordMetric } from './metrics';
import { getModel } from './models';
import type { RunRecord, RunSettings, RunStepEvent, RunValidationEvent } from './records';
import { completeSettings, trainOptionsFor } from './run-options';
import { ACTIVE_STATUSES, createRun, getRun, markInterrupted, ownedElsewhere, requestRunAction, takeRunRequest, transitionRun, updateRunProgress, type RunRequest } from './runs';

/** What the manager needs of a training job; TrainingJob in the app, the same in tests. */
export interface TrainingJobHandle {
  readonly events: EventEmitter<{ event: [JobEvent] }>;
  readonly done: Promise<TrainingResult>;
  pause(): void;
  resume(): void;
  cancel(): void;
}

export type JobFactory = (options: TrainOptions) => TrainingJobHandle;

export interface RunListeners {
  onStatus?: (run: RunRecord) => void;
  onStep?: (event: RunStepEvent) => void;
  onValidation?: (event: RunValidationEvent) => void;
}

export interface StartRunInput {
  modelId: number;
  datasetId: number;
  name?: string;
  settings?: Partial<RunSettings>;
}

interface ActiveJob {
  runId: number;
  job: TrainingJobHandle;
  /** Event handling in arrival order: a checkpoint is recorded before the run that made it finishes. */
  chain: Promise<void>;
  /** A failure to record what the job reported; the job is cancelled and the run fails with it. */
  recordingError: Error | null;
}

/** How often a process looks for requests other processes left for its runs, by default. */
const REQUEST_POLL_MS = 1000;
const RESUMABLE: readonly string[] = ['interrupted', 'cancelled', 'failed'];

export class RunManager {
  readonly #queue: { runId: number; resume: string | null }[] = [];
  readonly #waiters = new Map<number, { resolve: (run: RunRecord) => void; reject: (error: unknown) => void }[]>();
  #active: ActiveJob | null = null;
  #timer: NodeJS.Timeout | null = null;
  #closing = false;

  constructor(
    private readonly library: Library,
    private readonly listeners: RunListeners = {},
    private readonly createJob: JobFactory = (options) => new TrainingJob(options),
    private readonly requestPollMs = REQUEST_POLL_MS,
  ) {}

  /** Creates a run with the trainer's defaults under `settings`, and queues it. */
  start(input: StartRunInput): RunRecord {
    const model = getModel(this.library, input.modelId);
    const dataset = getDataset(this.library, input.datasetId);
    const settings = completeSettings(input.settings ?? {});
    const run = createRun(this.library, { name: input.name?.trim() || `${model.name} on ${dataset.name}`, modelId: model.id, datasetId: dataset.id, settings });
    this.#emitStatus(run);
    this.#enqueue(run.id, null);
    return getRun(this.library, run.id);
  }

  /**
   * Continues a run: a paused one where it is, a stopped one (interrupted, cancelled, failed)
   * from its newest checkpoint whose files verify. `fromStart` discards its progress instead.
   */
  async resume(id: number, { fromStart = false } = {}): Promise<RunRecord> {
    if (this.#active?.runId === id) {
      this.#active.job.resume();
      return getRun(this.library, id);
    }
    if (this.#forward(id, 'resume')) return getRun(this.library, id);
    let run = getRun(this.library, id);
    if (ACTIVE_STATUSES.includes(run.status) && !this.#queue.some((q) => q.runId === id)) {
      markInterrupted(this.library); // its owner is gone, or #forward would have reached it
      run = getRun(this.library, id);
    }
    if (!RESUMABLE.includes(run.status)) {
      throw new RunStateError(id, run.status, 'resumed', run.status === 'completed' ? 'It has finished; start a new run to train further.' : 'It is already on its way.');
    }
    let checkpoint: { step: number; dir: string } | null = null;
    if (fromStart) {
      await this.library.remove(run.path); // old checkpoints would otherwise be mistaken for the new ones
      await reconcileCheckpoints(this.library, id, run.path);
    } else {
      checkpoint = await resumeCheckpoint(this.library, id, run.path);
      if (checkpoint === null && run.step > 0) throw new NoValidCheckpointError(id, []);
    }
    const step = checkpoint?.step ?? 0;
    dropMetricsAfter(this.library, id, step);
    this.#emitStatus(transitionRun(this.library, id, 'queued', { step }));
    this.#enqueue(id, checkpoint?.dir ?? null);
    return getRun(this.library, id);
  }

  /** Pauses a running run after its current step. */
  pause(id: number): RunRecord {
    if (this.#active?.runId === id) this.#active.job.pause();
    else if (!this.#forward(id, 'pause')) {
      const run = getRun(this.library, id);
      throw new RunStateError(id, run.status, 'paused', run.status === 'queued' ? 'It has not started yet; cancel it instead.' : 'Only a running run can be paused.');
    }
    return getRun(this.library, id);
  }

  /** Stops a run after its current step, with a checkpoint of it, so it can be resumed later. */
  cancel(id: number): RunRecord {
    const queued = this.#queue.findIndex((q) => q.runId === id);
    if (queued !== -1) {
      this.#queue.splice(queued, 1);
      this.#settle(id, transitionRun(this.library, id, 'cancelled'));
    } else if (this.#active?.runId === id) {
      this.#active.job.cancel();
    } else if (!this.#forward(id, 'cancel')) {
      const run = getRun(this.library, id);
      throw new RunStateError(id, run.status, 'cancelled', 'Only a queued, running or paused run can be.');
    }
    return getRun(this.library, id);
  }

  /** Whether this process is training a run or has one queued: the desktop app stays open for it. */
  get busy(): boolean {
    return this.#active !== null || this.#queue.length > 0;
  }

  /** Whether this process is training the run or has it queued. */
  owns(id: number): boolean {
    return this.#active?.runId === id || this.#queue.some((q) => q.runId === id);
  }

  /** Resolves with the run once it is no longer queued, running or paused in this process. */
  finished(id: number): Promise<RunRecord> {
    if (!this.owns(id)) return Promise.resolve(getRun(this.library, id));
    return new Promise((resolve, reject) => {
      const list = this.#waiters.get(id) ?? [];
      list.push({ resolve, reject });
      this.#waiters.set(id, list);
    });
  }

  /**
   * Shutting down: the training run stops after its step with a checkpoint, and it and any
   * queued run become 'interrupted' (resumable; not the user's cancel).
   */
  async close(): Promise<void> {
    this.#closing = true;
    for (const { runId } of this.#queue.splice(0)) this.#settle(runId, transitionRun(this.library, runId, 'interrupted'));
    const active = this.#active;
    if (active) {
      active.job.cancel();
      await this.finished(active.runId).catch(() => undefined);
    }
    this.#stopPolling();
  }

  /** Leaves a request for the process that owns the run; false when no other live process does. */
  #forward(id: number, request: RunRequest): boolean {
    if (ownedElsewhere(this.library, id) === null) return false;
    requestRunAction(this.library, id, request);
    return true;
  }

  #enqueue(runId: number, resume: string | null): void {
    this.#queue.push({ runId, resume });
    this.#startPolling();
    this.#launchNext();
  }

  #launchNext(): void {
    if (this.#active || this.#closing) return;
    const next = this.#queue.shift();
    if (!next) {
      this.#stopPolling();
      return;
    }
    let job: TrainingJobHandle;
    try {
      const run = transitionRun(this.library, next.runId, 'running', { startedAt: new Date().toISOString() });
      const options = trainOptionsFor(run, getModel(this.library, run.modelId), getDataset(this.library, run.datasetId), next.resume);
      job = this.createJob(options);
      this.#emitStatus(run);
    } catch (error) {
      try {
        this.#settle(next.runId, this.#failed(next.runId, error));
      } catch (recordError) {
        this.#reject(next.runId, recordError);
      }
      this.#launchNext();
      return;
    }
    const active: ActiveJob = { runId: next.runId, job, chain: Promise.resolve(), recordingError: null };
    this.#active = active;
    job.events.on('event', (event) => {
      active.chain = active.chain
        .then(() => this.#record(next.runId, event))
        .catch((error: unknown) => {
          active.recordingError ??= error instanceof Error ? error : new Error(String(error));
          job.cancel();
        });
    });
    // The run is settled only once it is no longer the active one, so a waiter may act on it at once.
    job.done
      .then(
        (result) => active.chain.then(() => this.#complete(active, result)),
        (error: unknown) => active.chain.then(() => this.#failed(next.runId, error)),
      )
      .catch((error: unknown) => this.#failed(next.runId, error))
      .then(
        (run) => {
          this.#active = null;
          this.#settle(next.runId, run);
        },
        (error: unknown) => {
          this.#active = null;
          this.#reject(next.runId, error);
        },
      )
      .finally(() => this.#launchNext());
  }

  async #record(runId: number, event: JobEvent): Promise<void> {
    switch (event.type) {
      case 'start':
        updateRunProgress(this.library, runId, { device: event.start.device, totalSteps: event.start.totalSteps });
        this.#emitStatus(getRun(this.library, runId));
        break;
      case 'step': {
        const m = event.metrics;
        const loss = Number.isFinite(m.loss) ? m.loss : null;
        this.library.db.transaction(() => {
          recordMetric(this.library, runId, { step: m.step, split: 'train', loss, learningRate: m.lr, tokensPerSecond: m.tokensPerSecond, gradNorm: m.gradNorm, tokens: m.tokens });
          updateRunProgress(this.library, runId, { step: m.step });
        })();
        this.listeners.onStep?.({ runId, step: m.step, totalSteps: m.totalSteps, epoch: m.epoch, loss, learningRate: m.lr, gradNorm: m.gradNorm, tokensPerSecond: m.tokensPerSecond, elapsedMs: m.elapsedMs, etaMs: m.etaMs, peakRssBytes: m.peakRssBytes });
        break;
      }
      case 'eval': {
        const m = event.metrics;
        recordMetric(this.library, runId, { step: m.step, split: 'validation', loss: m.valLoss, learningRate: null, tokensPerSecond: null, gradNorm: null, tokens: m.valTokens });
        this.listeners.onValidation?.({ runId, step: m.step, loss: m.valLoss, bestLoss: m.best, bestStep: m.bestStep });
        break;
      }
      case 'checkpoint': {
        recordCheckpoint(this.library, runId, event.step, event.dir);
        await reconcileCheckpoints(this.library, runId, getRun(this.library, runId).path); // the trainer has pruned older ones
        break;
      }
      case 'paused':
        this.#emitStatus(transitionRun(this.library, runId, 'paused'));
        break;
      case 'resumed':
        this.#emitStatus(transitionRun(this.library, runId, 'running'));
        break;
      case 'done':
      case 'failed':
        break; // the job's promise settles the run
    }
  }

  async #complete(active: ActiveJob, result: TrainingResult): Promise<RunRecord> {
    const { runId } = active;
    if (active.recordingError) throw new Error(`Could not record the run's progress in the library: ${active.recordingError.message}`);
    if (result.reason === 'cancelled') return transitionRun(this.library, runId, this.#closing ? 'interrupted' : 'cancelled', { step: result.steps });
    await registerAdapter(this.library, getRun(this.library, runId));
    return transitionRun(this.library, runId, 'completed', { step: result.steps, stopReason: result.reason });
  }

  #failed(runId: number, error: unknown): RunRecord {
    return transitionRun(this.library, runId, 'failed', { error: error instanceof Error ? error.message : String(error) });
  }

  #settle(runId: number, run: RunRecord): void {
    this.#emitStatus(run);
    for (const waiter of this.#waiters.get(runId) ?? []) waiter.resolve(run);
    this.#waiters.delete(runId);
  }

  #reject(runId: number, error: unknown): void {
    for (const waiter of this.#waiters.get(runId) ?? []) waiter.reject(error);
    this.#waiters.delete(runId);
  }

  #emitStatus(run: RunRecord): void {
    this.listeners.onStatus?.(run);
  }

  #startPolling(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.#pollRequests(), this.requestPollMs);
    this.#timer.unref(); // never what keeps a process alive
  }

  #stopPolling(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Requests other processes left for runs this one owns. */
  #pollRequests(): void {
    const ids = [...(this.#active ? [this.#active.runId] : []), ...this.#queue.map((q) => q.runId)];
    for (const id of ids) {
      // A request the run's state no longer allows (pause a queued run, resume a running one) is dropped.
      try {
        const request = takeRunRequest(this.library, id);
        if (request === 'pause') this.pause(id);
        else if (request === 'resume') this.resume(id).catch(() => undefined);
        else if (request === 'cancel') this.cancel(id);
      } catch {
        continue;
      }
    }
  }
}
