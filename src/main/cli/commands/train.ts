/** `hyperadapt train`: fine-tune a model folder on a data file and save a HyperAdapt adapter. */
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { HYPERADAPT_TARGET_MODULES } from '../../engine/models/targets';
import type { TrainingResult } from '../../engine/train/run-training';
import { TrainingJob } from '../../engine/train/training-job';
import { TRAIN_DEFAULTS, type DeviceChoice, type TrainOptions } from '../../engine/train/train-options';
import type { ScheduleKind } from '../../engine/train/schedule';
import { createOutput } from '../output';
import { fraction, nonNegativeInt, nonNegativeNumber, oneOf, positiveInt, positiveNumber } from '../parse';

interface TrainFlags extends Omit<TrainOptions, 'targets'> {
  targets?: string;
  json?: boolean;
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

export function registerTrain(program: Command): void {
  const d = TRAIN_DEFAULTS;
  program
    .command('train')
    .description('train a HyperAdapt adapter on a data file (JSONL: {"prompt","completion"} or {"input_ids","labels"})')
    .requiredOption('--model <dir>', 'Hugging Face model folder')
    .requiredOption('--data <file>', 'training data (JSONL)')
    .requiredOption('--out <dir>', 'where the adapter, checkpoints and log go')
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
    .option('--resume <checkpoint>', 'continue from a checkpoint folder (out/checkpoints/step-…)')
    .option('--device <device>', 'auto, cpu or cuda', oneOf<DeviceChoice>(['auto', 'cpu', 'cuda']), d.device)
    .option('--threads <n>', 'onnxruntime threads (default: all cores)', positiveInt)
    .option('--json', 'one JSON line per step and per validation')
    .action(async (flags: TrainFlags) => {
      const { json, targets, ...rest } = flags;
      const out = createOutput(Boolean(json));
      const options: TrainOptions = { ...rest, ...(targets ? { targets: list(targets) } : {}) };
      // First Ctrl-C: finish the current step, checkpoint and save; a second one quits at once.
      const job = new TrainingJob(options);
      let stopRequested = false;
      const onInterrupt = () => {
        if (stopRequested) process.exit(130);
        stopRequested = true;
        out.info('\nStopping after this step and saving a checkpoint (Ctrl-C again to quit now)…');
        job.cancel();
      };
      process.on('SIGINT', onInterrupt);
      process.on('SIGTERM', onInterrupt);
      const bar = !json && process.stdout.isTTY ? new SingleBar({ format: 'training |{bar}| {value}/{total} steps · loss {loss} · {tps} tok/s · ETA {eta_formatted}', hideCursor: true }) : null;

      job.events.on('event', (event) => {
        switch (event.type) {
          case 'start': {
            const start = event.start;
            out.info(
              `Training ${start.trainableParameters.toLocaleString('en-US')} HyperAdapt parameters on ${start.device} for ${start.totalSteps} steps ` +
                `(${start.trainRows} training rows, ${start.validationRows} validation rows${start.truncatedRows ? `, ${start.truncatedRows} rows truncated to --max-length` : ''})` +
                (start.resumedFromStep !== null ? `, resuming after step ${start.resumedFromStep}` : ''),
            );
            bar?.start(start.totalSteps, start.resumedFromStep ?? 0, { loss: '-', tps: '-' });
            break;
          }
          case 'step': {
            const m = event.metrics;
            if (json) {
              out.result(
                { step: m.step, loss: m.loss, lr: m.lr, grad_norm: m.gradNorm, tokens: m.tokens, tokens_per_s: m.tokensPerSecond, epoch: m.epoch, elapsed_ms: m.elapsedMs, eta_ms: m.etaMs, peak_rss_bytes: m.peakRssBytes },
                () => '',
              );
            } else if (bar) {
              bar.update(m.step, { loss: m.loss.toFixed(4), tps: Math.round(m.tokensPerSecond) });
            } else {
              out.info(`step ${m.step}/${m.totalSteps}  loss ${m.loss.toFixed(4)}  lr ${m.lr.toExponential(2)}  ${Math.round(m.tokensPerSecond)} tok/s  ETA ${formatDuration(m.etaMs)}`);
            }
            break;
          }
          case 'eval': {
            const m = event.metrics;
            if (json) out.result({ step: m.step, val_loss: m.valLoss, val_tokens: m.valTokens, best_val_loss: m.best }, () => '');
            else if (!bar) out.info(`step ${m.step}  validation loss ${m.valLoss.toFixed(4)} (best ${m.best.toFixed(4)} at step ${m.bestStep})`);
            break;
          }
          default:
            break;
        }
      });
      let result: TrainingResult;
      try {
        result = await job.done;
      } finally {
        bar?.stop();
      }
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onInterrupt);
      out.result(
        { done: true, reason: result.reason, steps: result.steps, adapter: result.adapterDir, loss: result.lastLoss, val_loss: result.lastValLoss, best_val_loss: result.bestValLoss },
        () =>
          `${result.reason === 'early-stopped' ? 'Stopped early' : result.reason === 'cancelled' ? 'Cancelled' : 'Done'} after ${result.steps} steps; adapter saved in ${result.adapterDir}` +
          (result.lastLoss !== null ? ` (final loss ${result.lastLoss.toFixed(4)}${result.bestValLoss !== null ? `, best validation loss ${result.bestValLoss.toFixed(4)}` : ''})` : ''),
      );
    });
}
