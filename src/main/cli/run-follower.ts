/**
 * Following a run in the foreground, for `hyperadapt runs start` and `runs resume`: a progress
 * bar on a terminal, a line per step otherwise, one JSON object per line with --json. The first
 * Ctrl-C cancels after the current step (with a checkpoint, so the run can be resumed); a
 * second one quits at once.
 */
import { SingleBar } from 'cli-progress';
import { callApi } from '../api/call';
import type { ApiContext } from '../api/context';
import type { EventMessage, RunRecord, RunStepEvent, RunValidationEvent } from '../api/contract';
import type { Output } from './output';
import { formatDuration, formatLoss } from './table';

function summary(run: RunRecord): string {
  switch (run.status) {
    case 'completed':
      return `Run ${run.id} ${run.stopReason === 'early-stopped' ? 'stopped early' : 'completed'} after ${run.step} steps; its adapter is in the library (hyperadapt adapters list --run ${run.id}).`;
    case 'cancelled':
    case 'interrupted':
      return `Run ${run.id} ${run.status} after ${run.step} steps; continue it with \`hyperadapt runs resume ${run.id}\`.`;
    case 'failed':
      return `Run ${run.id} failed: ${run.error ?? 'no reason was given'}`;
    default:
      return `Run ${run.id} is ${run.status}.`;
  }
}

export async function followRun(context: ApiContext, runId: number, out: Output): Promise<RunRecord> {
  const bar = !out.json && process.stdout.isTTY ? new SingleBar({ format: 'training |{bar}| {value}/{total} steps · loss {loss} · {tps} tok/s · ETA {eta_formatted}', hideCursor: true }) : null;
  let announced = false;

  const onStatus = (run: RunRecord) => {
    if (run.status === 'running' && run.totalSteps !== null && run.device !== null && !announced) {
      announced = true;
      out.info(`Run ${run.id} "${run.name}": training on ${run.device} for ${run.totalSteps} steps${run.step > 0 ? `, from step ${run.step}` : ''}.`);
      bar?.start(run.totalSteps, run.step, { loss: '-', tps: '-' });
    } else if (run.status === 'paused') {
      out.info(`Run ${run.id} paused after step ${run.step}.`);
    }
  };
  const onStep = (m: RunStepEvent) => {
    if (out.json) {
      out.result({ run: m.runId, step: m.step, loss: m.loss, lr: m.learningRate, grad_norm: m.gradNorm, tokens_per_s: m.tokensPerSecond, epoch: m.epoch, elapsed_ms: m.elapsedMs, eta_ms: m.etaMs }, () => '');
    } else if (bar) {
      bar.update(m.step, { loss: formatLoss(m.loss), tps: Math.round(m.tokensPerSecond) });
    } else {
      out.info(`step ${m.step}/${m.totalSteps}  loss ${formatLoss(m.loss)}  lr ${m.learningRate.toExponential(2)}  ${Math.round(m.tokensPerSecond)} tok/s  ETA ${formatDuration(m.etaMs)}`);
    }
  };
  const onValidation = (m: RunValidationEvent) => {
    if (out.json) out.result({ run: m.runId, step: m.step, val_loss: m.loss, best_val_loss: m.bestLoss }, () => '');
    else if (!bar) out.info(`step ${m.step}  validation loss ${m.loss.toFixed(4)} (best ${m.bestLoss.toFixed(4)} at step ${m.bestStep})`);
  };
  const unsubscribe = context.events.subscribe((message: EventMessage) => {
    const payload = message.payload as { runId?: number; id?: number };
    if (message.event === 'runs.status' && payload.id === runId) onStatus(message.payload as RunRecord);
    if (message.event === 'runs.step' && payload.runId === runId) onStep(message.payload as RunStepEvent);
    if (message.event === 'runs.validation' && payload.runId === runId) onValidation(message.payload as RunValidationEvent);
  });

  let stopRequested = false;
  const onInterrupt = () => {
    if (stopRequested) process.exit(130);
    stopRequested = true;
    out.info('\nStopping after this step and saving a checkpoint (Ctrl-C again to quit now)…');
    void callApi(context, 'runs.cancel', { id: runId });
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  try {
    const run = await context.library.runs.finished(runId);
    bar?.stop();
    out.result({ done: true, run }, () => summary(run));
    if (run.status === 'failed') process.exitCode = 1;
    return run;
  } finally {
    bar?.stop();
    unsubscribe();
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
  }
}
