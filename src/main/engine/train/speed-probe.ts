/**
 * How long a run will take, from a few of its own optimizer steps: the model and the data are
 * loaded as runTraining loads them, the same backend is built, and warm-up plus timed steps run
 * through the real TrainLoop on real batches. Nothing is saved: no checkpoint, no adapter, no log.
 *
 * Session loading is kept out of the timing: every sequence-length bucket the measured steps use
 * gets its session opened (by one untimed micro-batch) before the loop starts.
 */
import { resolve } from 'node:path';
import { adapterLayout, identityAdapterVector } from '../models/adapter-layout';
import { loadHfModel } from '../models/hf-model';
import { parseTargetModules } from '../models/targets';
import { batchOf } from './evaluate';
import type { MicroBatch } from './micro-batch';
import { RowStream } from './row-stream';
import { loadRunDataset, loopConfig, plannedSteps, type BackendFactory, type TrainingBackend } from './run-training';
import type { SpeedFigures } from './speed-figures';
import type { TrainOptions } from './train-options';
import { TrainLoop, type TrainLoopConfig } from './trainer';

/** A run's options without what only a real run has: an output folder and a checkpoint to resume. */
export type SpeedProbeOptions = Omit<TrainOptions, 'out' | 'resume'>;

export interface SpeedProbePlan {
  /** Steps run first and not timed (allocations, caches, JIT). */
  warmupSteps: number;
  timedSteps: number;
  /** Once one timed step is done, timing stops after this long: a slow model still answers soon. */
  budgetMs: number;
}

export const SPEED_PROBE_PLAN: SpeedProbePlan = { warmupSteps: 1, timedSteps: 3, budgetMs: 30_000 };

export type SpeedProbeResult = SpeedFigures;

export interface SpeedProbeHooks {
  /** Polled between steps (and after loading); true ends the probe with no result. */
  shouldStop?: () => boolean;
}

export async function measureTrainingSpeed(
  options: SpeedProbeOptions,
  createBackend: BackendFactory,
  plan: SpeedProbePlan = SPEED_PROBE_PLAN,
  hooks: SpeedProbeHooks = {},
): Promise<SpeedProbeResult | null> {
  const stop = hooks.shouldStop ?? (() => false);
  const started = performance.now();
  const model = await loadHfModel(resolve(options.model));
  const layout = adapterLayout(model.spec, parseTargetModules(options.targets ?? [...adapterLayout(model.spec).targets]));
  const { train, validation } = await loadRunDataset(options, model);
  if (stop()) return null;
  const padTokenId = model.tokenizer.padTokenId ?? model.eosTokenIds[0] ?? 0;
  const run = loopConfig({ ...options, out: '' }, plannedSteps(options, train.length), padTokenId, false);
  // The run's own config, cut to the probe's steps, with no evaluation and nothing saved.
  const probe: TrainLoopConfig = { ...run, totalSteps: plan.warmupSteps + plan.timedSteps, evalEvery: 0, saveEvery: 0, earlyStopping: null };
  const backend = await createBackend(model, layout, { buckets: probe.buckets, batchSize: options.batchSize, device: options.device, threads: options.threads });
  try {
    const params = identityAdapterVector(layout);
    for (const batch of firstBatchPerLength(probe, train.length, (rows) => batchOf(rows.map((row) => train[row]!), probe))) {
      if (stop()) return null;
      await backend.trainMicroBatch(batch, params);
    }
    const setupSeconds = (performance.now() - started) / 1000;
    return await timeSteps(probe, plan, backend, train, params, stop, { trainRows: train.length, validationRows: validation.length, setupSeconds });
  } finally {
    await backend.release();
  }
}

/** One micro-batch of each sequence length the probe's steps will use, in the order the loop takes them. */
function firstBatchPerLength(config: TrainLoopConfig, rowCount: number, toBatch: (rows: number[]) => MicroBatch): MicroBatch[] {
  const stream = new RowStream(rowCount, config.shuffle, config.seed);
  const byLength = new Map<number, MicroBatch>();
  for (let micro = 0; micro < config.totalSteps * config.gradAccum; micro++) {
    const batch = toBatch(stream.take(config.batchSize));
    if (batch.supervisedTokens > 0 && !byLength.has(batch.seqLen)) byLength.set(batch.seqLen, batch);
  }
  return [...byLength.values()];
}

async function timeSteps(
  config: TrainLoopConfig,
  plan: SpeedProbePlan,
  backend: TrainingBackend,
  train: Parameters<typeof batchOf>[0],
  params: Float32Array,
  stop: () => boolean,
  known: Pick<SpeedProbeResult, 'trainRows' | 'validationRows' | 'setupSeconds'>,
): Promise<SpeedProbeResult | null> {
  let timedFrom = performance.now();
  let measured = 0;
  let tokens = 0;
  let stopped = false;
  const loop = new TrainLoop(config, backend, train, [], params, null);
  await loop.run({
    beforeStep: async () => {
      if (stop()) stopped = true;
      const overBudget = measured > 0 && performance.now() - timedFrom > plan.budgetMs;
      return stopped || overBudget ? 'stop' : 'continue';
    },
    onStep: (metrics) => {
      if (metrics.step === plan.warmupSteps) timedFrom = performance.now();
      else if (metrics.step > plan.warmupSteps) {
        measured += 1;
        tokens += metrics.tokens;
      }
    },
  });
  if (stopped || measured === 0) return null;
  const seconds = (performance.now() - timedFrom) / 1000;
  return {
    device: backend.device,
    secondsPerStep: seconds / measured,
    tokensPerSecond: seconds > 0 ? tokens / seconds : 0,
    warmupSteps: plan.warmupSteps,
    measuredSteps: measured,
    ...known,
  };
}

export interface RunProjection {
  totalSteps: number;
  stepsPerEpoch: number;
  /** Validation passes the run makes (none without validation rows). */
  evaluations: number;
  trainingSeconds: number;
  evaluationSeconds: number;
  /** Setup, training and validation. */
  totalSeconds: number;
}

/**
 * The whole run's length from a measured step time: its setup, its steps, plus its validation
 * passes. A validation micro-batch runs the forward only, taken as a third of a training
 * micro-batch (the backward costs about twice the forward). Early stopping can only make the run
 * shorter.
 */
export function projectRun(
  speed: Pick<SpeedProbeResult, 'secondsPerStep' | 'trainRows' | 'validationRows' | 'setupSeconds'>,
  options: Pick<TrainOptions, 'steps' | 'epochs' | 'batchSize' | 'gradAccum' | 'evalEvery'>,
): RunProjection {
  const totalSteps = plannedSteps(options, speed.trainRows);
  const evalEvery = options.evalEvery ?? Math.max(1, Math.floor(totalSteps / 10)); // as runTraining's loopConfig
  // Every evalEvery steps, and at the last step whatever its number.
  const evaluations = speed.validationRows === 0 ? 0 : Math.floor(totalSteps / evalEvery) + (totalSteps % evalEvery === 0 ? 0 : 1);
  const evalBatchSeconds = speed.secondsPerStep / options.gradAccum / 3;
  const trainingSeconds = totalSteps * speed.secondsPerStep;
  const evaluationSeconds = evaluations * Math.ceil(speed.validationRows / options.batchSize) * evalBatchSeconds;
  return {
    totalSteps,
    stepsPerEpoch: Math.max(1, Math.ceil(speed.trainRows / (options.batchSize * options.gradAccum))),
    evaluations,
    trainingSeconds,
    evaluationSeconds,
    totalSeconds: speed.setupSeconds + trainingSeconds + evaluationSeconds,
  };
}
