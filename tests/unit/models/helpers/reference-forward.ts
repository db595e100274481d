/**
 * An independent float64 reference forward for tests: plain loops, no ONNX, and none of the model
 * loader's code. It reads config.json itself (with transformers' defaults), every *.safetensors
 * file in the folder through our safetensors reader, and follows transformers' modeling_llama.py,
 * modeling_mistral.py, modeling_qwen2.py and modeling_qwen3.py:
 *
 *   h = embed[ids]
 *   per layer:  x = rmsnorm(h);  q, k, v = x Wq^T (+bq), x Wk^T (+bk), x Wv^T (+bv)
 *               qwen3: q, k = rmsnorm per head;  q, k = rope(q, k, position_ids)
 *               o = softmax(q k^T / sqrt(Dh) + causal/padding/window mask) v;  h += o Wo^T
 *               x = rmsnorm(h);  h += (silu(x Wg^T) * (x Wu^T)) Wd^T
 *   logits = rmsnorm(h) lm_head^T     (lm_head = embed when tied)
 *
 * HyperAdapt vectors replace W by diag(a) W diag(b) in the chosen linears.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readSafetensorsHeader, readTensorFloat32 } from '../../../../src/main/engine/onnx/safetensors';

type Config = Record<string, unknown>;

export interface ReferenceModel {
  readonly config: Config;
  readonly arch: string;
  readonly weights: ReadonlyMap<string, Float64Array>;
  readonly shapes: ReadonlyMap<string, readonly number[]>;
}

/** a [out] and b [in] per module path ("model.layers.0.self_attn.q_proj"). */
export type HyperVectors = ReadonlyMap<string, { readonly a: ArrayLike<number>; readonly b: ArrayLike<number> }>;

export interface ReferenceInputs {
  /** [B][T] token ids. */
  readonly ids: readonly (readonly number[])[];
  /** [B][T] 1 for real tokens, 0 for padding; default all 1. */
  readonly attentionMask?: readonly (readonly number[])[];
  /** [B][T]; default 0..T-1. */
  readonly positionIds?: readonly (readonly number[])[];
  readonly hyper?: HyperVectors;
}

export async function loadReferenceModel(dir: string): Promise<ReferenceModel> {
  const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Config;
  const weights = new Map<string, Float64Array>();
  const shapes = new Map<string, readonly number[]>();
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.safetensors'))) {
    const header = await readSafetensorsHeader(join(dir, file));
    for (const t of header.tensors) {
      weights.set(t.name, Float64Array.from(await readTensorFloat32(header, t.name)));
      shapes.set(t.name, t.shape);
    }
  }
  return { config, arch: (config.architectures as string[])[0]!, weights, shapes };
}

/** Logits [B][T][V]; rows whose query is padding come back as zeros (nothing to attend to). */
export function referenceForward(model: ReferenceModel, inputs: ReferenceInputs): Float64Array[][] {
  const c = dims(model);
  const w = (name: string): Float64Array => {
    const t = model.weights.get(name);
    if (!t) throw new Error(`reference: checkpoint lacks ${name}`);
    return t;
  };
  const invFreq = referenceInvFreq(model.config, c.Dh);
  return inputs.ids.map((ids, b) => {
    const mask = inputs.attentionMask?.[b] ?? ids.map(() => 1);
    const pos = inputs.positionIds?.[b] ?? ids.map((_, t) => t);
    const linear = (x: Float64Array, path: string, out: number, inp: number, biased: boolean): Float64Array =>
      applyLinear(x, w(`${path}.weight`), biased ? w(`${path}.bias`) : null, out, inp, inputs.hyper?.get(path));

    let h: Float64Array[] = ids.map((id) => w('model.embed_tokens.weight').slice(id * c.C, (id + 1) * c.C));
    for (let l = 0; l < c.L; l++) {
      const p = `model.layers.${l}`;
      const x = h.map((row) => rmsNorm(row, w(`${p}.input_layernorm.weight`), c.eps));
      let q: Float64Array[] = x.map((r) => linear(r, `${p}.self_attn.q_proj`, c.H * c.Dh, c.C, c.bias.qkv));
      let k: Float64Array[] = x.map((r) => linear(r, `${p}.self_attn.k_proj`, c.KV * c.Dh, c.C, c.bias.qkv));
      const v = x.map((r) => linear(r, `${p}.self_attn.v_proj`, c.KV * c.Dh, c.C, c.bias.qkv));
      if (c.qkNorm) {
        q = q.map((r) => perHead(r, c.Dh, (head) => rmsNorm(head, w(`${p}.self_attn.q_norm.weight`), c.eps)));
        k = k.map((r) => perHead(r, c.Dh, (head) => rmsNorm(head, w(`${p}.self_attn.k_norm.weight`), c.eps)));
      }
      q = q.map((r, t) => perHead(r, c.Dh, (head) => rope(head, pos[t]!, invFreq)));
      k = k.map((r, t) => perHead(r, c.Dh, (head) => rope(head, pos[t]!, invFreq)));
      const window = slidingWindow(model, l);
      const attn = q.map((qt, t) => {
        const out = new Float64Array(c.H * c.Dh);
        for (let head = 0; head < c.H; head++) {
          const kvHead = Math.floor(head / (c.H / c.KV));
          const keys: number[] = [];
          for (let j = 0; j <= t; j++) if (mask[j] === 1 && (window === null || t - j < window)) keys.push(j);
          if (mask[t] !== 1 || keys.length === 0) continue;
          const scores = keys.map((j) => dot(qt, head * c.Dh, k[j]!, kvHead * c.Dh, c.Dh) / Math.sqrt(c.Dh));
          const max = Math.max(...scores);
          const e = scores.map((s) => Math.exp(s - max));
          const sum = e.reduce((a, b2) => a + b2, 0);
          keys.forEach((j, n) => {
            for (let d = 0; d < c.Dh; d++) out[head * c.Dh + d]! += (e[n]! / sum) * v[j]![kvHead * c.Dh + d]!;
          });
        }
        return out;
      });
      h = h.map((row, t) => add(row, linear(attn[t]!, `${p}.self_attn.o_proj`, c.C, c.H * c.Dh, c.bias.o)));
      const x2 = h.map((row) => rmsNorm(row, w(`${p}.post_attention_layernorm.weight`), c.eps));
      h = h.map((row, t) => {
        const gate = linear(x2[t]!, `${p}.mlp.gate_proj`, c.I, c.C, c.bias.mlp);
        const up = linear(x2[t]!, `${p}.mlp.up_proj`, c.I, c.C, c.bias.mlp);
        const act = gate.map((g, i) => (g / (1 + Math.exp(-g))) * up[i]!);
        return add(row, linear(act, `${p}.mlp.down_proj`, c.C, c.I, c.bias.mlp));
      });
    }
    const head = c.tie ? w('model.embed_tokens.weight') : w('lm_head.weight');
    return h.map((row, t) => {
      if (mask[t] !== 1) return new Float64Array(c.V);
      return applyLinear(rmsNorm(row, w('model.norm.weight'), c.eps), head, null, c.V, c.C, undefined);
    });
  });
}

/** The dimensions and flags, read from config.json with transformers' class defaults. */
function dims(model: ReferenceModel) {
  const cfg = model.config;
  const num = (key: string, fallback?: number): number => {
    const v = cfg[key] ?? fallback;
    if (typeof v !== 'number') throw new Error(`reference: config.json lacks ${key}`);
    return v;
  };
  const H = num('num_attention_heads');
  const C = num('hidden_size');
  const attentionBias = cfg.attention_bias === true;
  const bias = {
    LlamaForCausalLM: { qkv: attentionBias, o: attentionBias, mlp: cfg.mlp_bias === true },
    MistralForCausalLM: { qkv: false, o: false, mlp: false },
    Qwen2ForCausalLM: { qkv: true, o: false, mlp: false },
    Qwen3ForCausalLM: { qkv: attentionBias, o: attentionBias, mlp: false },
  }[model.arch];
  if (!bias) throw new Error(`reference: no reference for ${model.arch}`);
  return {
    V: num('vocab_size'),
    C,
    I: num('intermediate_size'),
    L: num('num_hidden_layers'),
    H,
    KV: num('num_key_value_heads', H),
    Dh: num('head_dim', model.arch === 'Qwen3ForCausalLM' ? 128 : C / H),
    eps: num('rms_norm_eps', 1e-6),
    tie: cfg.tie_word_embeddings === true,
    qkNorm: model.arch === 'Qwen3ForCausalLM',
    bias,
  };
}

/** Mistral: every layer when sliding_window is set; Qwen: layers >= max_window_layers when use_sliding_window. */
function slidingWindow(model: ReferenceModel, layer: number): number | null {
  const cfg = model.config;
  if (model.arch === 'MistralForCausalLM') return (cfg.sliding_window as number | null) ?? null;
  if ((model.arch === 'Qwen2ForCausalLM' || model.arch === 'Qwen3ForCausalLM') && cfg.use_sliding_window === true) {
    return layer >= ((cfg.max_window_layers as number | undefined) ?? 28) ? (cfg.sliding_window as number) : null;
  }
  return null;
}

/** inv_freq in float64 from the rope fields (default, linear, llama3), written from the formulas. */
export function referenceInvFreq(cfg: Config, Dh: number): Float64Array {
  const theta = (cfg.rope_theta as number | undefined) ?? 10000;
  const s = (cfg.rope_scaling as Record<string, number | string> | null | undefined) ?? null;
  const inv = Float64Array.from({ length: Dh / 2 }, (_, i) => theta ** (-(2 * i) / Dh));
  if (s === null) return inv;
  const type = s.rope_type ?? s.type;
  const factor = s.factor as number;
  if (type === 'linear') return inv.map((f) => f / factor);
  if (type !== 'llama3') throw new Error(`reference: rope type ${String(type)}`);
  const low = s.low_freq_factor as number;
  const high = s.high_freq_factor as number;
  const old = s.original_max_position_embeddings as number;
  return inv.map((f) => {
    const wavelen = (2 * Math.PI) / f;
    if (wavelen < old / high) return f; // high frequency: unchanged
    if (wavelen > old / low) return f / factor; // low frequency: interpolated fully
    const smooth = (old / wavelen - low) / (high - low);
    return (1 - smooth) * (f / factor) + smooth * f;
  });
}

/** y = a ⊙ ((x ⊙ b) W^T) + bias, W [out, in] row-major. */
function applyLinear(
  x: Float64Array,
  W: Float64Array,
  bias: Float64Array | null,
  out: number,
  inp: number,
  hyper: { a: ArrayLike<number>; b: ArrayLike<number> } | undefined,
): Float64Array {
  const y = new Float64Array(out);
  for (let o = 0; o < out; o++) {
    let sum = 0;
    for (let i = 0; i < inp; i++) sum += W[o * inp + i]! * x[i]! * (hyper ? hyper.b[i]! : 1);
    y[o] = sum * (hyper ? hyper.a[o]! : 1) + (bias ? bias[o]! : 0);
  }
  return y;
}

function rmsNorm(x: Float64Array, weight: Float64Array, eps: number): Float64Array {
  const meanSquare = x.reduce((s, v) => s + v * v, 0) / x.length;
  const scale = 1 / Math.sqrt(meanSquare + eps);
  return x.map((v, i) => v * scale * weight[i]!);
}

/** rotate_half RoPE on one head: [x1, x2] -> [x1 cos - x2 sin, x2 cos + x1 sin]. */
function rope(x: Float64Array, position: number, invFreq: Float64Array): Float64Array {
  const half = x.length / 2;
  const out = new Float64Array(x.length);
  for (let i = 0; i < half; i++) {
    const cos = Math.cos(position * invFreq[i]!);
    const sin = Math.sin(position * invFreq[i]!);
    out[i] = x[i]! * cos - x[i + half]! * sin;
    out[i + half] = x[i + half]! * cos + x[i]! * sin;
  }
  return out;
}

function perHead(row: Float64Array, Dh: number, fn: (head: Float64Array) => Float64Array): Float64Array {
  const out = new Float64Array(row.length);
  for (let h = 0; h < row.length / Dh; h++) out.set(fn(row.slice(h * Dh, (h + 1) * Dh)), h * Dh);
  return out;
}

function dot(a: Float64Array, aOff: number, b: Float64Array, bOff: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[aOff + i]! * b[bOff + i]!;
  return s;
}

function add(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((v, i) => v + b[i]!);
}
