/**
 * AdamW over one flat float32 parameter vector, as PyTorch's torch.optim.AdamW computes it
 * (decoupled weight decay, bias correction), except that weight decay pulls toward 1, not 0:
 * HyperAdapt's vectors start at 1 and (c·a, b/c) give the same weight, so 1 is "no change".
 */

export interface AdamWConfig {
  betas: [number, number];
  eps: number;
  /** Decoupled decay toward 1; 0 (the default) disables it. */
  weightDecay: number;
}

export const DEFAULT_ADAMW: AdamWConfig = { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 };

export interface AdamWState {
  /** Optimizer steps taken so far. */
  step: number;
  m: Float32Array;
  v: Float32Array;
}

export function newAdamWState(size: number): AdamWState {
  return { step: 0, m: new Float32Array(size), v: new Float32Array(size) };
}

/** One update of params in place; grads are left as they are. */
export function adamWStep(params: Float32Array, grads: Float32Array, state: AdamWState, lr: number, config: AdamWConfig): void {
  if (grads.length !== params.length || state.m.length !== params.length) {
    throw new Error(`AdamW: ${params.length} parameters but ${grads.length} gradients and ${state.m.length} moments`);
  }
  const [beta1, beta2] = config.betas;
  state.step += 1;
  const biasCorrection1 = 1 - beta1 ** state.step;
  const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** state.step);
  const stepSize = lr / biasCorrection1;
  const decay = lr * config.weightDecay;
  const { m, v } = state;
  for (let i = 0; i < params.length; i++) {
    const g = grads[i]!;
    let p = params[i]!;
    if (decay !== 0) p -= decay * (p - 1);
    const mi = (m[i] = beta1 * m[i]! + (1 - beta1) * g);
    const vi = (v[i] = beta2 * v[i]! + (1 - beta2) * g * g);
    params[i] = p - (stepSize * mi) / (Math.sqrt(vi) / biasCorrection2Sqrt + config.eps);
  }
}
