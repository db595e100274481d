/** `hyperadapt train`: fine-tune a model folder on a data file and save a HyperAdapt adapter. */
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { TrainingResult } from '../../engine/train/run-training';
import { TrainingJob } from '../../engine/train/training-job';
import type { TrainOptions } from '../../engine/train/train-options';
import { addDataFlags } from '../data-flags';
import { createOutput } from '../output';
import { formatDuration } from '../table';
import { addTrainingFlags, trainingSettings, type TrainingFlags } from '../training-flags';

interface TrainFlags extends TrainingFlags {
  model: string;
  data: string;
  out: string;
  resume?: string;
  json?: boolean;
}

export function registerTrain(program: Command): void {
  const command = program
    .command('train')
    .description('train a HyperAdapt adapter on a data file (every format `hyperadapt data check` reads, checked before training starts)')
    .requiredOption('--model <dir>', 'Hugging Face model folder')
    .requiredOption('--data <file>', 'training data: .jsonl, .json, .csv, .tsv, .txt or .parquet')
    .requiredOption('--out <dir>', 'where the adapter, checkpoints and log go');
  addDataFlags(addTrainingFlags(command))
    .option('--validation-data <file>', 'validation rows from this file (read like --data) instead of holding out --val-split of the training rows')
    .option('--resume <checkpoint>', 'continue from a checkpoint folder (out/checkpoints/step-…)')
    .option('--json', 'one JSON line per step and per validation')
    .action(async (flags: TrainFlags) => {
      const { json, model, data, out: outDir, resume, ...settings } = flags;
      const out = createOutput(Boolean(json));
      const options: TrainOptions = { ...trainingSettings(settings), model, data, out: outDir, ...(resume ? { resume } : {}) };
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
