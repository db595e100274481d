/**
 * runs.measureSpeed: a run's expected duration from a few of its own steps, timed in a worker
 * (SpeedJob), with nothing recorded in the library. One measurement at a time (two at once would
 * slow each other down): a request for other settings replaces the one in progress, and a run
 * that starts training cancels it. Answers are cached by model, dataset and the settings that
 * decide what a step computes, so the epochs or the learning rate can change without measuring again.
 */
import { parseTargetModules } from '../engine/models/targets';
import { SpeedJob, type SpeedJobResult } from '../engine/train/speed-job';
import { projectRun, type SpeedProbeOptions } from '../engine/train/speed-probe';
import { BusyError } from '../request-errors';
import { getDataset } from '../store/datasets';
import type { Library } from '../store/library';
import { getModel } from '../store/models';
import type { RunRecord, RunSettings } from '../store/records';
import { listRuns, markInterrupted } from '../store/runs';
import type { SpeedEstimate, SpeedMeasurement } from './train-contract';

export interface SpeedRequest {
  modelId: number;
  datasetId: number;
  /** Complete settings (the trainer's defaults and the preferences already applied). */
  settings: RunSettings;
}

/** What the service needs of a job; SpeedJob in the app, a stand-in in tests. */
export interface SpeedJobHandle {
  readonly done: Promise<SpeedJobResult>;
  cancel(): void;
}

export type SpeedJobFactory = (options: SpeedProbeOptions) => SpeedJobHandle;

type Measured = Omit<SpeedEstimate, 'totalSteps' | 'stepsPerEpoch' | 'evaluations' | 'evaluationSeconds' | 'trainingSeconds' | 'totalSeconds' | 'cached'>;

interface InFlight {
  key: string;
  job: SpeedJobHandle;
  /** Settles once the job is over and no longer current. */
  finished: Promise<SpeedJobResult | null>;
}

/** Answers kept; the oldest goes first. */
const CACHE_SIZE = 64;
const TRAINING_STATUSES: readonly string[] = ['queued', 'running'];

/** Measuring while a run trains: a conflict the API answers as such (BusyError), and worth trying again later. */
export class SpeedBusyError extends BusyError {
  constructor(
    readonly runId: number,
    runName: string,
  ) {
    super('speed', `Run ${runId} ("${runName}") is training. Speed is measured only while nothing trains on this machine, since one training at a time is all it runs and the figures would be skewed; measure again once it has finished, or pause it.`);
  }
}

export class SpeedService {
  readonly #cache = new Map<string, Measured>();
  #current: InFlight | null = null;

  constructor(
    private readonly library: Library,
    private readonly createJob: SpeedJobFactory = (options) => new SpeedJob(options),
  ) {}

  async measure(request: SpeedRequest): Promise<SpeedMeasurement> {
    const model = getModel(this.library, request.modelId);
    const dataset = getDataset(this.library, request.datasetId);
    const { settings } = request;
    const targets = settings.targets ? parseTargetModules(settings.targets) : null;
    const key = JSON.stringify({
      model: [model.id, model.configSha256],
      dataset: [dataset.id, dataset.contentSha256, dataset.readOptions],
      // What a step computes and on which rows; epochs, steps, learning rate and the rest only change how many.
      speed: [settings.batchSize, settings.gradAccum, settings.maxLength, targets, settings.device, settings.threads ?? null, settings.valSplit, settings.seed, settings.shuffle],
    });

    for (;;) {
      const cached = this.#cache.get(key);
      if (cached) return { status: 'measured', estimate: estimateOf(cached, settings, true) };
      const current = this.#current;
      if (current === null) break;
      if (current.key !== key) current.job.cancel(); // newer settings win
      const result = await current.finished;
      if (current.key === key) {
        if (result?.speed) continue; // now cached
        return cancelled();
      }
    }

    this.#refuseWhileTraining();
    const job = this.createJob({ ...settings, ...dataset.readOptions, model: model.path, data: dataset.path });
    const entry: InFlight = {
      key,
      job,
      finished: job.done.finally(() => {
        if (this.#current === entry) this.#current = null;
      }),
    };
    this.#current = entry;
    // A failure reaches this caller; callers waiting on the same key see it as no result.
    entry.finished = entry.finished.catch(() => null);
    const { speed, addedMemoryBytes } = await job.done;
    if (!speed) return cancelled();
    const measured: Measured = {
      modelId: model.id,
      datasetId: dataset.id,
      ...speed,
      peakMemoryBytes: addedMemoryBytes,
      measuredAt: new Date().toISOString(),
    };
    this.#remember(key, measured);
    return { status: 'measured', estimate: estimateOf(measured, settings, false) };
  }

  /** Stops the measurement in progress; false when there was none. */
  cancel(): boolean {
    if (!this.#current) return false;
    this.#current.job.cancel();
    return true;
  }

  /** A run about to train takes the machine: a measurement in progress stops. */
  onRunStatus(run: RunRecord): void {
    if (TRAINING_STATUSES.includes(run.status)) this.cancel();
  }

  async close(): Promise<void> {
    const current = this.#current;
    if (!current) return;
    current.job.cancel();
    await current.finished;
  }

  #refuseWhileTraining(): void {
    markInterrupted(this.library); // a run whose process is gone no longer counts
    const training = listRuns(this.library).find((run) => TRAINING_STATUSES.includes(run.status));
    if (training) throw new SpeedBusyError(training.id, training.name);
  }

  #remember(key: string, measured: Measured): void {
    this.#cache.delete(key);
    this.#cache.set(key, measured);
    while (this.#cache.size > CACHE_SIZE) this.#cache.delete(this.#cache.keys().next().value!);
  }
}

function estimateOf(measured: Measured, settings: RunSettings, cached: boolean): SpeedEstimate {
  const run = projectRun(measured, settings);
  return {
    ...measured,
    totalSteps: run.totalSteps,
    stepsPerEpoch: run.stepsPerEpoch,
    evaluations: run.evaluations,
    evaluationSeconds: run.evaluationSeconds,
    trainingSeconds: run.trainingSeconds,
    totalSeconds: run.totalSeconds,
    cached,
  };
}

function cancelled(): SpeedMeasurement {
  return { status: 'cancelled', message: 'The measurement stopped before it had a figure: a run started training, or newer settings took its place.' };
}
