/**
 * Packs examples into the fixed-shape tensors one training session.run takes. Rows are
 * right-padded to the bucket length T; targets are the labels shifted one position left
 * (position t predicts token t+1), so the graph's loss needs no shift of its own.
 */
import { IGNORE_INDEX, type TrainingExample } from './examples';

export interface MicroBatch {
  batchSize: number;
  seqLen: number;
  /** [B, T] token ids, padding = padTokenId. */
  inputIds: BigInt64Array;
  /** [B, T] next-token targets, IGNORE_INDEX where nothing is learned. */
  targets: BigInt64Array;
  /** [B, T] 1 for real tokens, 0 for padding. */
  attentionMask: BigInt64Array;
  /** [B, T] position of each token in its row (0 for padding). */
  positionIds: BigInt64Array;
  /** Targets that are not IGNORE_INDEX. */
  supervisedTokens: number;
  /** Real (non-padding) tokens processed. */
  tokens: number;
}

export function buildMicroBatch(examples: readonly TrainingExample[], seqLen: number, padTokenId: number): MicroBatch {
  const batchSize = examples.length;
  const size = batchSize * seqLen;
  const inputIds = new BigInt64Array(size).fill(BigInt(padTokenId));
  const targets = new BigInt64Array(size).fill(BigInt(IGNORE_INDEX));
  const attentionMask = new BigInt64Array(size);
  const positionIds = new BigInt64Array(size);
  let supervisedTokens = 0;
  let tokens = 0;
  examples.forEach((example, row) => {
    const length = example.inputIds.length;
    if (length > seqLen) throw new Error(`Row of ${length} tokens does not fit the ${seqLen}-token bucket`);
    const base = row * seqLen;
    for (let t = 0; t < length; t++) {
      inputIds[base + t] = BigInt(example.inputIds[t]!);
      attentionMask[base + t] = 1n;
      positionIds[base + t] = BigInt(t);
      if (t + 1 < length) {
        const label = example.labels[t + 1]!;
        targets[base + t] = BigInt(label);
        if (label !== IGNORE_INDEX) supervisedTokens += 1;
      }
    }
    tokens += length;
  });
  return { batchSize, seqLen, inputIds, targets, attentionMask, positionIds, supervisedTokens, tokens };
}
