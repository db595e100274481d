/**
 * Per-layer attention masks for Llama, Mistral, Qwen2 and Qwen3: causal and padding, plus the
 * sliding window of the layers that have one (the attention itself is onnx/attention.ts).
 * Dims: B batch, T time (queries), S keys.
 */
import { attentionMask, causalMask } from '../onnx/attention';
import type { Graph, Tensor } from '../onnx/graph';
import { And, Less, Sub, Unsqueeze } from '../onnx/ops';

/**
 * bool [B, 1, T, T]: query i sees key j when j <= i, j is not padding, and, with a window,
 * i - j < window (HF sliding_window_overlay: kv_idx > q_idx - sliding_window). Indices are
 * positions in the sequence (HF cache positions), not position_ids.
 */
export function layerMask(g: Graph, T: number, padding: Tensor, window: number | null): Tensor {
  const causal = attentionMask(g, T, padding); // [B, 1, T, T]
  if (window === null || window >= T) return causal;
  const idx = g.constant('int64', [T], Array.from({ length: T }, (_, i) => i)); // constant: onnxruntime folds the window away
  return And(g, causal, Unsqueeze(g, withinWindow(g, idx, idx, window), [0, 1])); // [B, 1, T, T]
}

/**
 * bool [1, 1, T, S] for queries at cache positions queryIdx [T] over keys at keyIdx [S] (the
 * cached ones, then the new ones): causal, and within the window when the layer has one. Nothing
 * is padding: generation runs one sequence whose cache holds exactly its past tokens.
 */
export function cachedLayerMask(g: Graph, queryIdx: Tensor, keyIdx: Tensor, window: number | null): Tensor {
  const causal = causalMask(g, queryIdx, keyIdx); // [T, S]
  const mask = window === null ? causal : And(g, causal, withinWindow(g, queryIdx, keyIdx, window)); // [T, S]
  return Unsqueeze(g, mask, [0, 1]); // [1, 1, T, S]
}

/** bool [Tq, Tk]: queryIdx[i] - keyIdx[j] < window. */
function withinWindow(g: Graph, queryIdx: Tensor, keyIdx: Tensor, window: number): Tensor {
  return Less(g, Sub(g, Unsqueeze(g, queryIdx, [1]), Unsqueeze(g, keyIdx, [0])), window);
}
