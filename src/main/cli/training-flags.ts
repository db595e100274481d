/**
 * The training settings as command-line flags, for `hyperadapt train` and `hyperadapt runs
 * start`: one list, so the two commands cannot drift apart.
 */
import type { Command } from 'commander';
import { HYPERADAPT_TARGET_MODULES } from '../engine/models/targets';
import type { ScheduleKind } from '../engine/train/schedule';
import { TRAIN_DEFAULTS, type DeviceChoice, type TrainOptions } from '../engine/train/train-options';
import { fraction, nonNegativeInt, nonNegativeNumber, oneOf, positiveInt, positiveNumber } from './parse';

/** The settings as commander parses them: every TrainOptions field but the paths, targets as one string. */
export type TrainingFlags = Omit<TrainOptions, 'model' | 'data' | 'out' | 'resume' | 'targets'> & { targets?: string };

export function addTrainingFlags(command: Command): Command {
  const d = TRAIN_DEFAULTS;
  return command
    .option('--targets <modules>', `comma-separated linears to adapt (default: ${HYPERADAPT_TARGET_MODULES.join(',')})`)
    .option('--lr <x>', 'peak learning rate', positiveNumber, d.lr)
    .option('--epochs <n>', 'passes over the training rows', positiveNumber, d.epochs)
    .option('--steps <n>', 'optimizer steps (overrides --epochs)', positiveInt)
    .option('--batch-size <n>', 'rows per micro-batch', positiveInt, d.batchSize)
    .option('--grad-accum <n>', 'micro-batches per optimizer step', positiveInt, d.gradAccum)
    .option('--max-length <n>', 'tokens per row; longer rows lose their tail', positiveInt, d.maxLength)
    .option('--schedule <kind>', 'constant, linear or cosine', oneOf<ScheduleKind>(['constant', 'linear', 'cosine']), d.schedule)
    .option('--warmup <n>', 'warmup steps (default 5% of the run)', nonNegativeInt)
    .option('--weight-decay <x>', 'decoupled weight decay toward 1', nonNegativeNumber, d.weightDecay)
    .option('--clip <x>', 'global gradient-norm limit (0: off)', nonNegativeNumber, d.clip)
    .option('--seed <n>', 'seed for shuffling and the validation split', nonNegativeInt, d.seed)
    .option('--no-shuffle', 'visit rows in file order')
    .option('--val-split <x>', 'fraction of rows held out for validation (0: none)', fraction, d.valSplit)
    .option('--eval-every <n>', 'validate every N steps (default: 10 times per run)', positiveInt)
    .option('--save-every <n>', 'checkpoint every N steps (default: as --eval-every)', positiveInt)
    .option('--keep-checkpoints <n>', 'newest checkpoints kept', positiveInt, d.keepCheckpoints)
    .option('--patience <n>', 'validations without improvement before stopping early (0: never)', nonNegativeInt, d.patience)
    .option('--min-delta <x>', 'smallest validation-loss drop that counts as improvement', nonNegativeNumber, d.minDelta)
    .option('--device <device>', 'auto, cpu or cuda', oneOf<DeviceChoice>(['auto', 'cpu', 'cuda']), d.device)
    .option('--threads <n>', 'onnxruntime threads (default: all cores)', positiveInt);
}

/** The parsed flags as training settings (targets split into module names). */
export function trainingSettings(flags: TrainingFlags): Omit<TrainOptions, 'model' | 'data' | 'out' | 'resume'> {
  const { targets, ...rest } = flags;
  const list = targets
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  return { ...rest, ...(list ? { targets: list } : {}) };
}
