/**
 * Rotary position embedding parameters, read from config.json and turned into inv_freq exactly
 * as transformers' modeling_rope_utils.py does (_compute_default_rope_parameters,
 * _compute_linear_scaling_rope_parameters, _compute_llama3_parameters), float32 step by step.
 *
 * Two config layouts exist: transformers 4.x writes `rope_theta` plus `rope_scaling`
 * ({rope_type | type, factor, ...} or null); transformers 5 writes `rope_parameters`
 * ({rope_type, rope_theta, factor, ...}). Both normalise to one RopeSpec.
 */
import type { JsonFields } from './json-file';

export const SUPPORTED_ROPE_TYPES = ['default', 'linear', 'llama3'] as const;
export type RopeType = (typeof SUPPORTED_ROPE_TYPES)[number];

export type RopeScaling =
  | { readonly type: 'default' }
  /** Position interpolation: every frequency divided by `factor`. */
  | { readonly type: 'linear'; readonly factor: number }
  /** Llama 3.1: low frequencies divided by `factor`, high ones kept, a smooth ramp between. */
  | {
      readonly type: 'llama3';
      readonly factor: number;
      readonly lowFreqFactor: number;
      readonly highFreqFactor: number;
      readonly originalMaxPositionEmbeddings: number;
    };

export interface RopeSpec {
  /** The base of the geometric frequency ladder (rope_theta). */
  readonly theta: number;
  readonly scaling: RopeScaling;
}

/** transformers' default rope_theta for every architecture we support. */
const DEFAULT_THETA = 10000;

/** Reads rope_theta/rope_scaling or rope_parameters from config.json. */
export function parseRope(config: JsonFields): RopeSpec {
  if (config.has('partial_rotary_factor') && config.raw('partial_rotary_factor') !== 1) {
    config.fail('partial_rotary_factor', '1 (partial rotary embeddings are not supported by these architectures)');
  }
  const params = config.nested('rope_parameters');
  if (params) return { theta: params.positive('rope_theta', DEFAULT_THETA), scaling: parseScaling(params) };
  const scaling = config.nested('rope_scaling');
  return { theta: config.positive('rope_theta', DEFAULT_THETA), scaling: scaling ? parseScaling(scaling) : { type: 'default' } };
}

function parseScaling(fields: JsonFields): RopeScaling {
  // Old configs spell the key `type`; transformers moves it to `rope_type` on load.
  const key = fields.has('rope_type') ? 'rope_type' : 'type';
  const type = fields.string(key, 'default');
  switch (type) {
    case 'default':
      return { type };
    case 'linear':
      return { type, factor: fields.positive('factor') };
    case 'llama3': {
      const spec = {
        type,
        factor: fields.positive('factor'),
        lowFreqFactor: fields.positive('low_freq_factor'),
        highFreqFactor: fields.positive('high_freq_factor'),
        originalMaxPositionEmbeddings: fields.int('original_max_position_embeddings'),
      } as const;
      // transformers' rope_config_validation warns here; the ramp below would divide by zero.
      if (spec.highFreqFactor <= spec.lowFreqFactor) fields.fail('high_freq_factor', `a number above low_freq_factor (${spec.lowFreqFactor})`);
      return spec;
    }
    default:
      return fields.fail(key, `one of ${SUPPORTED_ROPE_TYPES.join(', ')} (dynamic, yarn and longrope are not supported)`);
  }
}

/**
 * inv_freq [Dh/2] for head dimension `headDim`, as float32 like transformers' buffer:
 *   inv_freq[i] = 1 / theta^(2i / Dh), then the scaling rule.
 * Each float32 operation of the PyTorch code is one Math.fround here; pow may still differ
 * from torch's powf in the last bit.
 */
export function computeInvFreq(rope: RopeSpec, headDim: number): Float32Array {
  if (!Number.isInteger(headDim) || headDim <= 0 || headDim % 2 !== 0) {
    throw new RangeError(`rotary embeddings need an even head dimension, got ${headDim}`);
  }
  const f = Math.fround;
  const inv = new Float32Array(headDim / 2);
  // torch.arange(0, dim, 2).float() / dim, then base ** that, then 1.0 / that.
  for (let i = 0; i < inv.length; i++) inv[i] = f(1 / f(Math.pow(f(rope.theta), f(f(2 * i) / headDim))));
  const { scaling } = rope;
  if (scaling.type === 'linear') return inv.map((x) => f(x / scaling.factor));
  if (scaling.type === 'llama3') return llama3(inv, scaling);
  return inv;
}

/** transformers' _compute_llama3_parameters, line by line. */
function llama3(inv: Float32Array, s: Extract<RopeScaling, { type: 'llama3' }>): Float32Array {
  const f = Math.fround;
  const oldContextLen = s.originalMaxPositionEmbeddings;
  const lowFreqWavelen = oldContextLen / s.lowFreqFactor; // Python floats: float64
  const highFreqWavelen = oldContextLen / s.highFreqFactor;
  return inv.map((freq) => {
    const wavelen = f(f(2 * Math.PI) / freq);
    // wavelen < high_freq_wavelen: keep; wavelen > low_freq_wavelen: divide by factor.
    const scaled = wavelen > lowFreqWavelen ? f(freq / s.factor) : freq;
    const isMedium = !(wavelen < highFreqWavelen) && !(wavelen > lowFreqWavelen);
    if (!isMedium) return scaled;
    // Otherwise interpolate between the two with a smooth factor.
    const smooth = f(f(f(oldContextLen / wavelen) - s.lowFreqFactor) / f(s.highFreqFactor - s.lowFreqFactor));
    return f(f(f(f(1 - smooth) * scaled) / s.factor) + f(smooth * scaled));
  });
}
