/** Mean loss over every supervised token of a set of examples, in fixed-shape micro-batches. */
import { pickBucket } from '../onnx/buckets';
import { truncateExample, type TrainingExample } from './examples';
import { buildMicroBatch, type MicroBatch } from './micro-batch';
import type { StepBackend } from './trainer';

export interface BatchShape {
  batchSize: number;
  maxLength: number;
  /** Sequence lengths with a compiled graph; rows are padded up to the nearest. */
  buckets: readonly number[];
  padTokenId: number;
}

/** Truncates to maxLength and pads to the smallest bucket that fits the longest row. */
export function batchOf(examples: readonly TrainingExample[], shape: BatchShape): MicroBatch {
  const rows = examples.map((example) => truncateExample(example, shape.maxLength));
  const longest = Math.max(...rows.map((row) => row.inputIds.length));
  return buildMicroBatch(rows, pickBucket(longest, shape.buckets), shape.padTokenId);
}

export interface Evaluation {
  /** NaN when no token is supervised. */
  loss: number;
  /** Supervised tokens the loss is the mean over. */
  tokens: number;
}

export async function evaluateExamples(
  backend: Pick<StepBackend, 'evalMicroBatch'>,
  examples: readonly TrainingExample[],
  params: Float32Array,
  shape: BatchShape,
): Promise<Evaluation> {
  let lossSum = 0;
  let tokens = 0;
  for (let start = 0; start < examples.length; start += shape.batchSize) {
    const batch = batchOf(examples.slice(start, start + shape.batchSize), shape);
    if (batch.supervisedTokens === 0) continue;
    lossSum += (await backend.evalMicroBatch(batch, params)).lossSum;
    tokens += batch.supervisedTokens;
  }
  return { loss: tokens > 0 ? lossSum / tokens : Number.NaN, tokens };
}
