/**
 * Plain float64 references for the engine's composite blocks, written from the HF modeling_llama.py
 * equations with loops and arrays, sharing no code with the graph builders they check.
 * Matrices are row-major number arrays; a token's vector is one row.
 */

/** Mean over supervised rows of logsumexp(z) - z[label]; labels of -100 are skipped. */
export function crossEntropy(logits: readonly number[], labels: readonly number[], V: number): { loss: number; count: number } {
  let sum = 0;
  let count = 0;
  labels.forEach((l, n) => {
    if (l === -100) return;
    const row = logits.slice(n * V, (n + 1) * V);
    const m = Math.max(...row);
    sum += m + Math.log(row.reduce((s, z) => s + Math.exp(z - m), 0)) - row[l]!;
    count++;
  });
  return { loss: sum / Math.max(count, 1), count };
}

export interface RefLinear {
  W: number[]; // [out, in]
  a?: number[];
  b?: number[];
}

/** x [in] -> a ⊙ ((x ⊙ b) W^T) */
export function linearRef(x: readonly number[], { W, a, b }: RefLinear): number[] {
  const n = x.length;
  return Array.from({ length: W.length / n }, (_, i) =>
    (a?.[i] ?? 1) * x.reduce((s, xj, j) => s + xj * (b?.[j] ?? 1) * W[i * n + j]!, 0),
  );
}

export function rmsNormRef(x: readonly number[], w: readonly number[], eps: number): number[] {
  const r = 1 / Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length + eps);
  return x.map((v, i) => w[i]! * v * r);
}

/** One head vector at position p: x cos + rotate_half(x) sin, angles p · invFreq[j mod Dh/2]. */
export function ropeRef(x: readonly number[], p: number, invFreq: readonly number[]): number[] {
  const half = x.length / 2;
  return x.map((v, j) => {
    const angle = p * invFreq[j % half]!;
    const rotated = j < half ? -x[j + half]! : x[j - half]!;
    return v * Math.cos(angle) + rotated * Math.sin(angle);
  });
}

export interface RefLayer {
  H: number;
  KV: number;
  Dh: number;
  eps: number;
  invFreq: number[];
  inputNorm: number[];
  postNorm: number[];
  q: RefLinear;
  k: RefLinear;
  v: RefLinear;
  o: RefLinear;
  gate: RefLinear;
  up: RefLinear;
  down: RefLinear;
}

/**
 * One pre-norm decoder layer over one sequence: xs [T][C], positions [T], keep [T] (0 = padding key).
 * Masked scores take -Number.MAX_VALUE before the softmax, as HF's eager path does with finfo.min.
 */
export function decoderLayerRef(xs: number[][], positions: number[], keep: number[], p: RefLayer): number[][] {
  const { H, KV, Dh } = p;
  const normed = xs.map((x) => rmsNormRef(x, p.inputNorm, p.eps));
  const headsOf = (v: number[], n: number): number[][] => Array.from({ length: n }, (_, h) => v.slice(h * Dh, (h + 1) * Dh));
  const q = normed.map((x, t) => headsOf(linearRef(x, p.q), H).map((h) => ropeRef(h, positions[t]!, p.invFreq)));
  const k = normed.map((x, t) => headsOf(linearRef(x, p.k), KV).map((h) => ropeRef(h, positions[t]!, p.invFreq)));
  const v = normed.map((x) => headsOf(linearRef(x, p.v), KV));
  const attn = xs.map((_, i) => {
    const perHead = Array.from({ length: H }, (_, h) => {
      const kvh = Math.floor(h / (H / KV));
      const scores = xs.map((_, j) =>
        j <= i && keep[j] ? q[i]![h]!.reduce((s, qd, d) => s + qd * k[j]![kvh]![d]!, 0) / Math.sqrt(Dh) : -Number.MAX_VALUE,
      );
      const m = Math.max(...scores);
      const e = scores.map((s) => Math.exp(s - m));
      const z = e.reduce((a, b) => a + b, 0);
      return Array.from({ length: Dh }, (_, d) => e.reduce((s, w, j) => s + (w / z) * v[j]![kvh]![d]!, 0));
    });
    return linearRef(perHead.flat(), p.o);
  });
  const h = xs.map((x, t) => x.map((xv, c) => xv + attn[t]![c]!));
  return h.map((x) => {
    const n = rmsNormRef(x, p.postNorm, p.eps);
    const gate = linearRef(n, p.gate);
    const up = linearRef(n, p.up);
    const mlp = linearRef(gate.map((gv, f) => (gv / (1 + Math.exp(-gv))) * up[f]!), p.down);
    return x.map((xv, c) => xv + mlp[c]!);
  });
}
