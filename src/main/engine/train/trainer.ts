/**
 * The training loop, independent of how a micro-batch is computed: a StepBackend (the ONNX
 * training session, or a test double) returns loss sums and gradients, and this module does
 * the rest in TypeScript on small vectors: accumulation, clipping, the schedule, AdamW,
 * evaluation, early stopping and checkpoints.
 *
 * Loss of a step = mean cross-entropy over all supervised tokens of all its micro-batches, so
 * micro-batches report sums, and the step divides once by the total supervised count.
 */
import { createHash } from 'node:crypto';
import { clipGlobalNorm } from './clip';
import { newEarlyStoppingState, recordValidation, type EarlyStoppingConfig } from './early-stopping';
import { batchOf, evaluateExamples, type Evaluation } from './evaluate';
import type { TrainingExample } from './examples';
import type { MicroBatch } from './micro-batch';
import { adamWStep, newAdamWState, type AdamWConfig, type AdamWState } from './optimizer';
import { RowStream } from './row-stream';
import { learningRateAt, type ScheduleKind } from './schedule';
import { pruneCheckpoints, saveCheckpoint, type CheckpointContents, type TrainerState } from './checkpoint';

export interface TrainLoopConfig {
  lr: number;
  schedule: ScheduleKind;
  warmupSteps: number;
  /** Optimizer steps to run in total. */
  totalSteps: number;
  batchSize: number;
  gradAccum: number;
  maxLength: number;
  /** Sequence lengths with a compiled graph; rows are padded up to the nearest. */
  buckets: number[];
  clip: number;
  adamw: AdamWConfig;
  seed: number;
  shuffle: boolean;
  /** Evaluate every N steps (0: only at the end); ignored without validation rows. */
  evalEvery: number;
  /** Checkpoint every N steps (0: only at the end). */
  saveEvery: number;
  keepCheckpoints: number;
  earlyStopping: EarlyStoppingConfig | null;
  padTokenId: number;
}

export interface StepBackend {
  /** Sum of token losses over the batch's supervised targets, and the gradient of that sum. */
  trainMicroBatch(batch: MicroBatch, params: Float32Array): Promise<{ lossSum: number; grad: Float32Array }>;
  evalMicroBatch(batch: MicroBatch, params: Float32Array): Promise<{ lossSum: number }>;
}

export interface StepMetrics {
  step: number;
  totalSteps: number;
  epoch: number;
  loss: number;
  lr: number;
  gradNorm: number;
  /** Tokens (not padding) processed in this step. */
  tokens: number;
  supervisedTokens: number;
  tokensPerSecond: number;
  elapsedMs: number;
  etaMs: number;
  /** Peak resident memory of this process so far (onnxruntime's worker threads included). */
  peakRssBytes: number;
}

export interface EvalMetrics {
  step: number;
  valLoss: number;
  valTokens: number;
  best: number;
  bestStep: number;
}

export type StopReason = 'completed' | 'early-stopped' | 'cancelled';

export interface TrainLoopHooks {
  /** Called before every step; resolve 'stop' to end the run (after a final checkpoint). Pausing = not resolving yet. */
  beforeStep?: () => Promise<'continue' | 'stop'>;
  onStep?: (metrics: StepMetrics) => void;
  onEval?: (metrics: EvalMetrics) => void;
  onCheckpoint?: (dir: string, step: number) => void;
  /** Writes files into each checkpoint beside the optimizer state (e.g. the adapter in its own format). */
  checkpointFiles?: (dir: string, params: Float32Array, state: TrainerState) => Promise<void>;
}

export interface TrainLoopResult {
  reason: StopReason;
  step: number;
  params: Float32Array;
  lastLoss: number | null;
  lastValLoss: number | null;
  bestValLoss: number | null;
}

/** Everything that must match for a checkpoint to be resumed: a different config is a different run. */
export function configFingerprint(config: TrainLoopConfig, parameterCount: number): string {
  const { evalEvery: _e, saveEvery: _s, keepCheckpoints: _k, ...relevant } = config;
  return createHash('sha256').update(JSON.stringify({ ...relevant, parameterCount })).digest('hex').slice(0, 16);
}

export class TrainLoop {
  private readonly params: Float32Array;
  private readonly optimizer: AdamWState;
  private readonly stream: RowStream;
  private state: TrainerState;

  constructor(
    private readonly config: TrainLoopConfig,
    private readonly backend: StepBackend,
    private readonly train: readonly TrainingExample[],
    private readonly validation: readonly TrainingExample[],
    initialParams: Float32Array,
    private readonly checkpointRoot: string | null,
    resume: CheckpointContents | null = null,
  ) {
    const fingerprint = configFingerprint(config, initialParams.length);
    if (resume && resume.state.configFingerprint !== fingerprint) {
      throw new Error('This checkpoint was made with different training settings or another model; resume it with the settings it was started with.');
    }
    if (resume && resume.params.length !== initialParams.length) {
      throw new Error(`Checkpoint holds ${resume.params.length} parameters, this model needs ${initialParams.length}.`);
    }
    this.params = resume ? Float32Array.from(resume.params) : Float32Array.from(initialParams);
    this.optimizer = resume
      ? { step: resume.optimizer.step, m: Float32Array.from(resume.optimizer.m), v: Float32Array.from(resume.optimizer.v) }
      : newAdamWState(initialParams.length);
    this.state = resume
      ? structuredClone(resume.state)
      : { step: 0, stream: { epoch: 0, index: 0 }, earlyStopping: newEarlyStoppingState(), tokensSeen: 0, configFingerprint: fingerprint };
    this.stream = new RowStream(train.length, config.shuffle, config.seed, this.state.stream);
  }

  /** Mean loss over all supervised validation tokens. */
  evaluate(): Promise<Evaluation> {
    return evaluateExamples(this.backend, this.validation, this.params, this.config);
  }

  private async checkpoint(hooks: TrainLoopHooks): Promise<void> {
    if (this.checkpointRoot === null) return;
    this.state.stream = this.stream.current;
    const { checkpointFiles } = hooks;
    const state = this.state;
    const writeExtra = checkpointFiles ? (dir: string) => checkpointFiles(dir, this.params, state) : undefined;
    const dir = await saveCheckpoint(this.checkpointRoot, { state, params: this.params, optimizer: this.optimizer }, writeExtra);
    await pruneCheckpoints(this.checkpointRoot, this.config.keepCheckpoints);
    hooks.onCheckpoint?.(dir, this.state.step);
  }

  async run(hooks: TrainLoopHooks = {}): Promise<TrainLoopResult> {
    const { config } = this;
    const grads = new Float32Array(this.params.length);
    const started = Date.now();
    const startStep = this.state.step;
    let lastLoss: number | null = null;
    let lastValLoss: number | null = null;
    let reason: StopReason = 'completed';
    let savedAt = this.state.step;

    while (this.state.step < config.totalSteps) {
      if (hooks.beforeStep && (await hooks.beforeStep()) === 'stop') {
        reason = 'cancelled';
        break;
      }
      grads.fill(0);
      let lossSum = 0;
      let supervised = 0;
      let tokens = 0;
      for (let micro = 0; micro < config.gradAccum; micro++) {
        const batch = batchOf(this.stream.take(config.batchSize).map((row) => this.train[row]!), config);
        tokens += batch.tokens;
        if (batch.supervisedTokens === 0) continue;
        const result = await this.backend.trainMicroBatch(batch, this.params);
        for (let i = 0; i < grads.length; i++) grads[i]! += result.grad[i]!;
        lossSum += result.lossSum;
        supervised += batch.supervisedTokens;
      }
      if (supervised > 0) for (let i = 0; i < grads.length; i++) grads[i]! /= supervised;

      const step = this.state.step + 1;
      const gradNorm = clipGlobalNorm(grads, config.clip);
      const lr = learningRateAt({ kind: config.schedule, lr: config.lr, warmupSteps: config.warmupSteps, totalSteps: config.totalSteps }, step);
      // A step whose rows had nothing to learn leaves the parameters and moments untouched.
      if (supervised > 0) adamWStep(this.params, grads, this.optimizer, lr, config.adamw);
      this.state.step = step;
      this.state.tokensSeen += tokens;
      this.state.stream = this.stream.current;
      lastLoss = supervised > 0 ? lossSum / supervised : null;

      const elapsedMs = Date.now() - started;
      const perStep = elapsedMs / (step - startStep);
      hooks.onStep?.({
        step,
        totalSteps: config.totalSteps,
        epoch: this.stream.epochProgress,
        loss: lastLoss ?? Number.NaN,
        lr,
        gradNorm,
        tokens,
        supervisedTokens: supervised,
        tokensPerSecond: elapsedMs > 0 ? (this.state.tokensSeen / elapsedMs) * 1000 : 0,
        elapsedMs,
        etaMs: perStep * (config.totalSteps - step),
        peakRssBytes: process.resourceUsage().maxRSS * 1024,
      });

      const last = step === config.totalSteps;
      let stop = false;
      if (this.validation.length > 0 && ((config.evalEvery > 0 && step % config.evalEvery === 0) || last)) {
        const { loss, tokens: valTokens } = await this.evaluate();
        lastValLoss = loss;
        if (config.earlyStopping) stop = recordValidation(this.state.earlyStopping, config.earlyStopping, step, loss);
        else recordValidation(this.state.earlyStopping, { patience: Number.POSITIVE_INFINITY, minDelta: 0 }, step, loss);
        hooks.onEval?.({
          step,
          valLoss: loss,
          valTokens,
          best: this.state.earlyStopping.best ?? loss,
          bestStep: this.state.earlyStopping.bestStep ?? step,
        });
      }
      if ((config.saveEvery > 0 && step % config.saveEvery === 0) || last || stop) {
        await this.checkpoint(hooks);
        savedAt = step;
      }
      if (stop) {
        reason = 'early-stopped';
        break;
      }
    }
    // Cancel keeps the work done: the last completed step becomes a checkpoint too.
    if (reason === 'cancelled' && savedAt !== this.state.step) await this.checkpoint(hooks);
    return {
      reason,
      step: this.state.step,
      params: this.params,
      lastLoss,
      lastValLoss,
      bestValLoss: this.state.earlyStopping.best,
    };
  }
}
