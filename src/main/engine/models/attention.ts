/**
 * Per-layer attention masks for Llama, Mistral, Qwen2 and Qwen3: causal and padding, plus the
 * sliding window of the layers that have one (the attention itself is onnx/attention.ts).
 * Dims: B batch, T time.
 */
import { attentionMask } from '../onnx/attention';
import type { Graph, Tensor } from '../onnx/graph';
import { And } from '../onnx/ops';

/**
 * bool [B, 1, T, T]: query i sees key j when j <= i, j is not padding, and, with a window,
 * i - j < window (HF sliding_window_overlay: kv_idx > q_idx - sliding_window). Indices are
 * positions in the sequence (HF cache positions), not position_ids.
 */
export function layerMask(g: Graph, T: number, padding: Tensor, window: number | null): Tensor {
  const causal = attentionMask(g, T, padding); // [B, 1, T, T]
  if (window === null || window >= T) return causal;
  const near = Array.from({ length: T * T }, (_, k) => Math.floor(k / T) - (k % T) < window); // [i][j]
  return And(g, causal, g.constant('bool', [1, 1, T, T], near.map(Number))); // [B, 1, T, T]
}
