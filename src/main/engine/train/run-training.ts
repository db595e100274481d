/**
 * One training run from a model folder and a data file to a saved adapter: load and check
 * everything first (so a bad row fails before any compute), split, build the backend, run the
 * loop with checkpoints, and write the adapter with its lineage. The backend is injected so the
 * orchestration is testable apart from onnxruntime.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { baseModelRecord, saveAdapter, type AdapterConfig } from '../adapters/adapter-files';
import { adapterLayout, identityAdapterVector, type AdapterLayout } from '../models/adapter-layout';
import { loadHfModel, type HfModel } from '../models/hf-model';
import { computeModelIdentity } from '../models/identity';
import { parseTargetModules } from '../models/targets';
import { dataTokenizer } from '../../data/data-tokenizer';
import { loadDataset, type LoadedDataset } from '../../data/dataset';
import { loadCheckpoint } from './checkpoint';
import { lengthBuckets, TRAIN_DEFAULTS, type DeviceChoice, type TrainOptions } from './train-options';
import { TrainLoop, type EvalMetrics, type StepBackend, type StepMetrics, type StopReason, type TrainLoopConfig } from './trainer';

export interface TrainingBackend extends StepBackend {
  /** The execution provider the sessions run on. */
  readonly device: 'cuda' | 'cpu';
  release(): Promise<void>;
}

export interface BackendSetup {
  buckets: readonly number[];
  batchSize: number;
  device: DeviceChoice;
  threads: number | undefined;
}

export type BackendFactory = (model: HfModel, layout: AdapterLayout, setup: BackendSetup) => Promise<TrainingBackend>;

export interface TrainingStart {
  totalSteps: number;
  trainRows: number;
  validationRows: number;
  trainableParameters: number;
  device: 'cuda' | 'cpu';
  resumedFromStep: number | null;
  /** Rows longer than max length (their tail is dropped). */
  truncatedRows: number;
}

export interface TrainingHooks {
  onStart?: (start: TrainingStart) => void;
  onStep?: (metrics: StepMetrics) => void;
  onEval?: (metrics: EvalMetrics) => void;
  onCheckpoint?: (dir: string, step: number) => void;
  /** Resolve 'stop' to end the run after a checkpoint; not resolving pauses it. */
  beforeStep?: () => Promise<'continue' | 'stop'>;
}

export interface TrainingResult {
  reason: StopReason;
  steps: number;
  adapterDir: string;
  lastLoss: number | null;
  lastValLoss: number | null;
  bestValLoss: number | null;
}

export function loopConfig(options: TrainOptions, totalSteps: number, padTokenId: number, hasValidation: boolean): TrainLoopConfig {
  const evalEvery = options.evalEvery ?? Math.max(1, Math.floor(totalSteps / 10));
  return {
    lr: options.lr,
    schedule: options.schedule,
    warmupSteps: options.warmup ?? Math.round(totalSteps * 0.05),
    totalSteps,
    batchSize: options.batchSize,
    gradAccum: options.gradAccum,
    maxLength: options.maxLength,
    buckets: lengthBuckets(options.maxLength),
    clip: options.clip,
    adamw: { betas: [0.9, 0.999], eps: 1e-8, weightDecay: options.weightDecay },
    seed: options.seed,
    shuffle: options.shuffle,
    evalEvery,
    saveEvery: options.saveEvery ?? evalEvery,
    keepCheckpoints: options.keepCheckpoints,
    earlyStopping: hasValidation && options.patience > 0 ? { patience: options.patience, minDelta: options.minDelta } : null,
    padTokenId,
  };
}

/** The run's length: `steps` when given, else the epochs over the training rows, at least one. */
export function plannedSteps(options: Pick<TrainOptions, 'steps' | 'epochs' | 'batchSize' | 'gradAccum'>, trainRows: number): number {
  const rowsPerStep = options.batchSize * options.gradAccum;
  return options.steps ?? Math.max(1, Math.ceil((options.epochs * trainRows) / rowsPerStep));
}

/** The run's training and validation examples, read as its options say; shared with the speed probe so both read the data alike. */
export function loadRunDataset(
  options: Pick<TrainOptions, 'data' | 'format' | 'columns' | 'textUnit' | 'maxLength' | 'valSplit' | 'seed' | 'validationData' | 'batchSize' | 'gradAccum' | 'dropInvalidRows'>,
  model: HfModel,
): Promise<LoadedDataset> {
  return loadDataset(resolve(options.data), {
    format: options.format,
    columns: options.columns,
    textUnit: options.textUnit,
    tokenizer: dataTokenizer(model),
    maxLength: options.maxLength,
    valSplit: options.valSplit,
    seed: options.seed,
    validationFile: options.validationData ? resolve(options.validationData) : undefined,
    batchSize: options.batchSize,
    gradAccum: options.gradAccum,
    dropInvalidRows: options.dropInvalidRows,
  });
}

export async function runTraining(options: TrainOptions, hooks: TrainingHooks, createBackend: BackendFactory): Promise<TrainingResult> {
  const out = resolve(options.out);
  const model = await loadHfModel(resolve(options.model));
  const targets = parseTargetModules(options.targets ?? [...adapterLayout(model.spec).targets]);
  const layout = adapterLayout(model.spec, targets);

  // Every row is read and checked before anything is built: a bad row fails here, with its line.
  const { train, validation, report } = await loadRunDataset(options, model);
  const truncatedRows = report.train.tokens?.truncatedRows ?? 0;
  const totalSteps = plannedSteps(options, train.length);
  const padTokenId = model.tokenizer.padTokenId ?? model.eosTokenIds[0] ?? 0;
  const config = loopConfig(options, totalSteps, padTokenId, validation.length > 0);

  const identity = await computeModelIdentity(model.dir, model.config, model.weights);
  const resume = options.resume ? await loadCheckpoint(resolve(options.resume)) : null;
  await mkdir(out, { recursive: true });
  const backend = await createBackend(model, layout, {
    buckets: config.buckets,
    batchSize: options.batchSize,
    device: options.device,
    threads: options.threads,
  });

  const adapterConfig = (metrics: AdapterConfig['metrics']): AdapterConfig => ({
    method: 'hyperadapt',
    format_version: 1,
    target_modules: [...targets],
    trainable_parameters: layout.size,
    base_model: baseModelRecord(identity, model.dir),
    training: {
      ...options,
      model: model.dir,
      data: resolve(options.data),
      ...(options.validationData ? { validationData: resolve(options.validationData) } : {}),
      out,
      total_steps: totalSteps,
      device: backend.device,
    },
    metrics,
    created_at: new Date().toISOString(),
  });
  const log = (line: object) => appendFile(join(out, 'training_log.jsonl'), JSON.stringify(line) + '\n');

  try {
    hooks.onStart?.({
      totalSteps,
      trainRows: train.length,
      validationRows: validation.length,
      trainableParameters: layout.size,
      device: backend.device,
      resumedFromStep: resume?.state.step ?? null,
      truncatedRows,
    });
    const loop = new TrainLoop(config, backend, train, validation, identityAdapterVector(layout), join(out, 'checkpoints'), resume);
    let lastLoss: number | null = null;
    const pending: Promise<void>[] = [];
    const result = await loop.run({
      beforeStep: hooks.beforeStep,
      onStep: (metrics) => {
        lastLoss = metrics.loss;
        pending.push(log({ type: 'step', ...metrics }));
        hooks.onStep?.(metrics);
      },
      onEval: (metrics) => {
        pending.push(log({ type: 'eval', ...metrics }));
        hooks.onEval?.(metrics);
      },
      onCheckpoint: hooks.onCheckpoint,
      checkpointFiles: (dir, params, state) =>
        saveAdapter(dir, layout, params, adapterConfig({ step: state.step, loss: lastLoss, best_val_loss: state.earlyStopping.best })),
    });
    await Promise.all(pending);
    await saveAdapter(
      out,
      layout,
      result.params,
      adapterConfig({ steps: result.step, loss: result.lastLoss, val_loss: result.lastValLoss, best_val_loss: result.bestValLoss }),
    );
    return {
      reason: result.reason,
      steps: result.step,
      adapterDir: out,
      lastLoss: result.lastLoss,
      lastValLoss: result.lastValLoss,
      bestValLoss: result.bestValLoss,
    };
  } finally {
    await backend.release();
  }
}

export { TRAIN_DEFAULTS };
