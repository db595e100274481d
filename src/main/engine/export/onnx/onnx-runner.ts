/**
 * Runs an exported generation graph with onnxruntime-node directly (not through our session
 * worker), feeding only what any onnxruntime user would: input_ids and the per-layer KV cache.
 */
import * as ort from 'onnxruntime-node';
import { GENERATION_INPUTS, GENERATION_LOGITS, pastName, presentName } from '../../generate/generation-graph';
import type { ModelConfig } from '../../models/config';
import type { LogitsOf } from '../probes';

export interface OnnxModel {
  readonly logits: LogitsOf;
  close(): Promise<void>;
}

export async function openOnnxModel(path: string, config: ModelConfig): Promise<OnnxModel> {
  const session = await ort.InferenceSession.create(path, { executionProviders: ['cpu'], intraOpNumThreads: 1 });
  const { numLayers: L, numKvHeads: KV, headDim: Dh } = config;
  let cache: ort.Tensor[] = [];

  const run = async (tokens: readonly number[], past: number): Promise<Float32Array> => {
    const feeds: Record<string, ort.Tensor> = {
      [GENERATION_INPUTS.inputIds]: new ort.Tensor('int64', BigInt64Array.from(tokens, (t) => BigInt(t)), [1, tokens.length]),
    };
    for (let l = 0; l < L; l++) {
      feeds[pastName(l, 'key')] = past === 0 ? new ort.Tensor('float32', new Float32Array(0), [1, KV, 0, Dh]) : cache[2 * l]!;
      feeds[pastName(l, 'value')] = past === 0 ? new ort.Tensor('float32', new Float32Array(0), [1, KV, 0, Dh]) : cache[2 * l + 1]!;
    }
    const out = await session.run(feeds);
    cache = Array.from({ length: L }, (_, l) => [out[presentName(l, 'key')]!, out[presentName(l, 'value')]!]).flat();
    return out[GENERATION_LOGITS]!.data as Float32Array;
  };

  return {
    logits: async (prompt, continuation) => {
      const all = [await run(prompt, 0)];
      let past = prompt.length;
      for (const token of continuation.slice(0, -1)) all.push(await run([token], past++));
      return all;
    },
    close: () => session.release(),
  };
}
