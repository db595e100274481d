/** Global-norm gradient clipping, as torch.nn.utils.clip_grad_norm_ computes it. */

export function globalNorm(grads: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < grads.length; i++) sum += grads[i]! * grads[i]!;
  return Math.sqrt(sum);
}

/** Scales grads in place so their norm is at most maxNorm (0 disables); returns the norm before clipping. */
export function clipGlobalNorm(grads: Float32Array, maxNorm: number): number {
  const norm = globalNorm(grads);
  if (maxNorm > 0) {
    const coefficient = maxNorm / (norm + 1e-6);
    if (coefficient < 1) for (let i = 0; i < grads.length; i++) grads[i]! *= coefficient;
  }
  return norm;
}
