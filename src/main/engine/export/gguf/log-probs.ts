/**
 * Log-probabilities for comparing with runtimes that report probabilities rather than logits
 * (llama.cpp through node-llama-cpp). Values are floored: below e^-30 a probability says nothing
 * about the model, and float32 probabilities near underflow would only add noise.
 */
import type { Probe } from '../probes';

export const LOG_PROB_FLOOR = -30;

export function logSoftmax(logits: Float32Array): Float32Array {
  let max = -Infinity;
  for (const x of logits) max = Math.max(max, x);
  let sum = 0;
  for (const x of logits) sum += Math.exp(x - max);
  const logSum = max + Math.log(sum);
  return logits.map((x) => Math.max(LOG_PROB_FLOOR, x - logSum));
}

/** log p per token id from a probability map; ids the map lacks had probability 0. */
export function logProbsOf(probabilities: ReadonlyMap<number, number>, vocab: number): Float32Array {
  const out = new Float32Array(vocab).fill(LOG_PROB_FLOOR);
  for (const [id, p] of probabilities) if (id < vocab && p > 0) out[id] = Math.max(LOG_PROB_FLOOR, Math.log(p));
  return out;
}

/** The probes with their reference logits turned into floored log-probabilities. */
export function probesAsLogProbs(probes: readonly Probe[]): Probe[] {
  return probes.map((p) => ({ ...p, logits: p.logits.map(logSoftmax) }));
}
