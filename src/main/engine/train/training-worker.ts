/**
 * The training worker thread: runs one training run and reports every step to its parent.
 * Pause, resume and cancel arrive as messages and take effect between steps; cancel saves a
 * checkpoint of the last completed step, so the run can be resumed from it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createOnnxTrainingBackend } from './onnx-backend';
import { runTraining } from './run-training';
import type { ControlMessage, JobEvent, TrainingWorkerData } from './training-job-protocol';

const port = parentPort;
if (!port) throw new Error('training-worker must run as a worker thread');
const { options } = workerData as TrainingWorkerData;

const send = (event: JobEvent) => port.postMessage(event);

let paused = false;
let cancelled = false;
let wake: (() => void) | null = null;
let step = 0;

port.on('message', (message: ControlMessage) => {
  if (message.type === 'pause') paused = true;
  if (message.type === 'resume') paused = false;
  if (message.type === 'cancel') cancelled = true;
  wake?.();
});

async function beforeStep(): Promise<'continue' | 'stop'> {
  if (paused && !cancelled) {
    send({ type: 'paused', step });
    while (paused && !cancelled) await new Promise<void>((resolve) => (wake = resolve));
    wake = null;
    if (!cancelled) send({ type: 'resumed' });
  }
  return cancelled ? 'stop' : 'continue';
}

runTraining(
  options,
  {
    beforeStep,
    onStart: (start) => send({ type: 'start', start }),
    onStep: (metrics) => {
      step = metrics.step;
      send({ type: 'step', metrics });
    },
    onEval: (metrics) => send({ type: 'eval', metrics }),
    onCheckpoint: (dir, at) => send({ type: 'checkpoint', dir, step: at }),
  },
  createOnnxTrainingBackend,
).then(
  (result) => send({ type: 'done', result }),
  (error: unknown) => send({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
);
