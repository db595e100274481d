/** The speed probe's worker thread: measures, answers once, and stops between steps when told. */
import { parentPort, workerData } from 'node:worker_threads';
import { createOnnxTrainingBackend } from './onnx-backend';
import { measureTrainingSpeed } from './speed-probe';
import type { SpeedWorkerData, SpeedWorkerMessage } from './speed-job';

const port = parentPort;
if (!port) throw new Error('speed-worker must run as a worker thread');
const { options, plan, spawnedAt } = workerData as SpeedWorkerData;
// A run starts a thread of its own before anything else, so that time belongs to the setup.
const bootSeconds = Math.max(0, (Date.now() - spawnedAt) / 1000);

let cancelled = false;
port.on('message', (message: { type: 'cancel' }) => {
  if (message.type === 'cancel') cancelled = true;
});

const send = (message: SpeedWorkerMessage) => port.postMessage(message);

measureTrainingSpeed(options, createOnnxTrainingBackend, plan, { shouldStop: () => cancelled }).then(
  (result) => send({ type: 'done', result: result && { ...result, setupSeconds: bootSeconds + result.setupSeconds } }),
  (error: unknown) => send({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
);
