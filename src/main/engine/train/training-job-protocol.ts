/** Messages between a training job's handle (main side) and its worker thread. */
import type { TrainingResult, TrainingStart } from './run-training';
import type { TrainOptions } from './train-options';
import type { EvalMetrics, StepMetrics } from './trainer';

export interface TrainingWorkerData {
  options: TrainOptions;
}

export type ControlMessage = { type: 'pause' } | { type: 'resume' } | { type: 'cancel' };

export type JobEvent =
  | { type: 'start'; start: TrainingStart }
  | { type: 'step'; metrics: StepMetrics }
  | { type: 'eval'; metrics: EvalMetrics }
  | { type: 'checkpoint'; dir: string; step: number }
  | { type: 'paused'; step: number }
  | { type: 'resumed' }
  | { type: 'done'; result: TrainingResult }
  | { type: 'failed'; message: string };
