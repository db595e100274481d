/**
 * Choosing the next token from the logits [V] of the last position, in transformers' order
 * (generation/logits_process.py): RepetitionPenaltyLogitsProcessor, then TemperatureLogitsWarper,
 * TopKLogitsWarper and TopPLogitsWarper, then a draw from the softmax of what is left. Greedy
 * decoding (temperature 0) takes the first largest logit after the penalty, as torch.argmax does.
 */
import type { GenerationConfig } from '../models/generation-config';
import { Random } from '../random';

export interface SamplingOptions {
  /** Divides the logits; 0 means greedy (transformers' do_sample=False). */
  readonly temperature: number;
  /** Keep the k largest logits (ties with the k-th kept); 0 keeps all. */
  readonly topK: number;
  /** Keep the most probable tokens up to this cumulative probability (at least one); 1 keeps all. */
  readonly topP: number;
  /** > 1 discourages tokens already in the prompt or the output; 1 is off. */
  readonly repetitionPenalty: number;
  /** Seeds the draws: equal seeds, equal logits, equal tokens. */
  readonly seed: number;
}

export const GREEDY: SamplingOptions = { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1, seed: 0 };

/** transformers' GenerationConfig default for top_k when sampling. */
const DEFAULT_TOP_K = 50;

/**
 * What the user set, else the model's generation_config.json, else transformers' defaults:
 * sampling only when the user sets a temperature above 0 or the model's config says do_sample.
 */
export function resolveSampling(user: Partial<SamplingOptions>, model: Pick<GenerationConfig, 'doSample' | 'temperature' | 'topK' | 'topP' | 'repetitionPenalty'>): SamplingOptions {
  const modelSamples = model.doSample === true && model.temperature !== 0;
  const temperature = user.temperature ?? (modelSamples ? (model.temperature ?? 1) : 0);
  const sampling = temperature > 0;
  const options = {
    temperature,
    topK: user.topK ?? (sampling ? (model.topK ?? DEFAULT_TOP_K) : 0),
    topP: user.topP ?? (sampling ? (model.topP ?? 1) : 1),
    repetitionPenalty: user.repetitionPenalty ?? model.repetitionPenalty ?? 1,
    seed: user.seed ?? 0,
  };
  checkSampling(options);
  return options;
}

export function checkSampling(o: SamplingOptions): void {
  const problems: string[] = [];
  if (!(o.temperature >= 0) || !Number.isFinite(o.temperature)) problems.push(`temperature ${o.temperature} (expected >= 0)`);
  if (!Number.isInteger(o.topK) || o.topK < 0) problems.push(`top-k ${o.topK} (expected an integer >= 0)`);
  if (!(o.topP > 0 && o.topP <= 1)) problems.push(`top-p ${o.topP} (expected in (0, 1])`);
  if (!(o.repetitionPenalty > 0) || !Number.isFinite(o.repetitionPenalty)) problems.push(`repetition penalty ${o.repetitionPenalty} (expected > 0)`);
  if (!Number.isInteger(o.seed) || o.seed < 0) problems.push(`seed ${o.seed} (expected an integer >= 0)`);
  if (problems.length > 0) throw new RangeError(`sampling: ${problems.join('; ')}`);
}

/** Picks tokens one after another with one seeded generator. */
export class Sampler {
  readonly #random: Random;

  constructor(readonly options: SamplingOptions) {
    checkSampling(options);
    this.#random = new Random(options.seed);
  }

  /** The next token, given the logits [V] and every token so far (prompt and output) for the penalty. */
  pick(logits: Float32Array, context: readonly number[]): number {
    const { temperature, topK, topP, repetitionPenalty } = this.options;
    const scores = repetitionPenalty === 1 ? logits : penalizeRepetition(logits, context, repetitionPenalty);
    if (temperature === 0) return argmax(scores);
    const probs = nucleus(topKFilter(temperature === 1 ? scores : scores.map((x) => x / temperature), topK), topP);
    return draw(probs, this.#random.next());
  }
}

/** The index of the first largest value. */
export function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** A copy with each id of `context` penalized once: negative logits times the penalty, others divided by it. */
export function penalizeRepetition(logits: Float32Array, context: readonly number[], penalty: number): Float32Array {
  const out = logits.slice();
  for (const id of new Set(context)) {
    const x = logits[id];
    if (x !== undefined) out[id] = x < 0 ? x * penalty : x / penalty;
  }
  return out;
}

/** Logits below the k-th largest become -Infinity (ties with it are kept, as transformers keeps them). */
export function topKFilter(logits: Float32Array, k: number): Float32Array {
  if (k <= 0 || k >= logits.length) return logits;
  const kth = logits.slice().sort()[logits.length - k]!; // ascending
  return logits.map((x) => (x < kth ? -Infinity : x));
}

/**
 * softmax(logits), then zero for every token outside the nucleus: the most probable tokens whose
 * cumulative probability first reaches topP (the most probable always stays). transformers sorts
 * and cuts inside a run of equal probabilities; here the whole run stays, so the result never
 * depends on how a sort orders ties. Returns probabilities [V] summing to the kept mass, not 1.
 */
export function nucleus(logits: Float32Array, topP: number): Float64Array {
  const probs = softmax(logits);
  if (topP >= 1) return probs;
  const sorted = Float64Array.from(probs).sort().reverse(); // descending
  let cumulative = 0;
  let threshold = sorted[0]!;
  for (const p of sorted) {
    threshold = p;
    cumulative += p;
    if (cumulative >= topP) break;
  }
  return probs.map((p) => (p >= threshold ? p : 0));
}

export function softmax(logits: Float32Array): Float64Array {
  let max = -Infinity;
  for (const x of logits) max = Math.max(max, x);
  const out = Float64Array.from(logits, (x) => Math.exp(x - max));
  const sum = out.reduce((a, b) => a + b, 0);
  return out.map((p) => p / sum);
}

/** The token whose cumulative weight interval holds u in [0, 1) scaled to the total weight. */
export function draw(weights: Float64Array, u: number): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let target = u * total;
  let last = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (w <= 0) continue;
    last = i;
    if (target < w) return i;
    target -= w;
  }
  return last; // u * total rounded up to the total: the last token with weight
}
