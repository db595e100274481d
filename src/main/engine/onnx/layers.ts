/**
 * Decoder-layer building blocks with HF semantics (modeling_llama.py: LlamaRMSNorm, LlamaMLP,
 * LlamaDecoderLayer). Node names follow HF module paths when called under `g.scope('model.layers.N', ...)`.
 * Dims: B batch, T time, C hidden, F MLP intermediate.
 */
import { type AttentionParams, causalAttention } from './attention';
import type { Graph, Tensor } from './graph';
import { type LinearParams, linear } from './hyper-linear';
import { rmsNorm } from './norm';
import { Add, Mul, Sigmoid } from './ops';
import type { RopeTables } from './rope';

export { rmsNorm };

/** x ⊙ sigmoid(x) (HF ACT2FN['silu']), composed so it needs no rule of its own. */
export function silu(g: Graph, x: Tensor): Tensor {
  return Mul(g, x, Sigmoid(g, x));
}

export interface MlpParams {
  gate: LinearParams;
  up: LinearParams;
  down: LinearParams;
}

/** HF LlamaMLP: down(silu(gate(x)) ⊙ up(x)).  x [B, T, C] -> [B, T, C] through [B, T, F]. */
export function swiglu(g: Graph, x: Tensor, p: MlpParams): Tensor {
  const gate = g.scope('gate_proj', () => linear(g, x, p.gate)); // [B, T, F]
  const up = g.scope('up_proj', () => linear(g, x, p.up)); // [B, T, F]
  const act = Mul(g, silu(g, gate), up); // [B, T, F]
  return g.scope('down_proj', () => linear(g, act, p.down)); // [B, T, C]
}

export interface DecoderLayerParams {
  inputNorm: Tensor;
  postAttentionNorm: Tensor;
  eps: number;
  attention: AttentionParams;
  mlp: MlpParams;
}

/** Pre-norm residual block: h = x + attn(norm(x)); out = h + mlp(norm(h)).  x [B, T, C] -> [B, T, C]. */
export function decoderLayer(g: Graph, x: Tensor, p: DecoderLayerParams, rope: RopeTables, mask: Tensor): Tensor {
  const normed = g.scope('input_layernorm', () => rmsNorm(g, x, p.inputNorm, p.eps));
  const h = Add(g, x, g.scope('self_attn', () => causalAttention(g, normed, p.attention, rope, mask)));
  const normed2 = g.scope('post_attention_layernorm', () => rmsNorm(g, h, p.postAttentionNorm, p.eps));
  return Add(g, h, g.scope('mlp', () => swiglu(g, normed2, p.mlp)));
}
