/**
 * One HyperAdapt decoder layer end to end: embedding -> RMSNorm -> causal GQA attention with RoPE ->
 * residual -> RMSNorm -> SwiGLU -> residual -> final norm -> lm_head -> masked cross-entropy.
 * Forward against a plain float64 reference; gradients of every adapter vector against finite differences.
 */
import { describe, expect, test } from 'vitest';
import { attentionMask } from '../../../../src/main/engine/onnx/attention';
import { maskedCrossEntropy } from '../../../../src/main/engine/onnx/cross-entropy';
import type { Graph, Tensor } from '../../../../src/main/engine/onnx/graph';
import { type LinearParams, linear } from '../../../../src/main/engine/onnx/hyper-linear';
import { decoderLayer, rmsNorm } from '../../../../src/main/engine/onnx/layers';
import { Gather } from '../../../../src/main/engine/onnx/ops';
import { ropeInvFreq, ropeTables } from '../../../../src/main/engine/onnx/rope';
import { gradcheck } from '../helpers/gradcheck';
import { rng, uniform } from '../helpers/random';
import { type RefLinear, crossEntropy, decoderLayerRef, linearRef, rmsNormRef } from '../helpers/reference';

// B batch, T time, C hidden, H query heads, KV key/value heads (GQA 2:1), Dh head dim, F MLP, V vocab.
const [B, T, C, H, KV, Dh, F, V] = [2, 3, 8, 2, 1, 4, 12, 7];
const eps = 1e-6;
const invFreq = ropeInvFreq(Dh, 10000);
const next = rng(2024);
const near1 = (n: number): number[] => uniform(next, n, 0.7, 1.3);

const linears = {
  q: [H * Dh, C],
  k: [KV * Dh, C],
  v: [KV * Dh, C],
  o: [C, H * Dh],
  gate: [F, C],
  up: [F, C],
  down: [C, F],
} as const;
type Proj = keyof typeof linears;
const projs = Object.keys(linears) as Proj[];
const modulePath = (p: Proj): string =>
  `model.layers.0.${p === 'gate' || p === 'up' || p === 'down' ? 'mlp' : 'self_attn'}.${p}_proj`;

const weights = Object.fromEntries(projs.map((p) => [p, uniform(next, linears[p][0] * linears[p][1], -0.5, 0.5)])) as Record<Proj, number[]>;
const embed = uniform(next, V * C);
const lmHead = uniform(next, V * C, -0.5, 0.5);
const norms = { input: near1(C), post: near1(C), final: near1(C) };
const adapters = Object.fromEntries(projs.map((p) => [p, { a: near1(linears[p][0]), b: near1(linears[p][1]) }])) as Record<Proj, { a: number[]; b: number[] }>;

const ids = [1, 5, 2, 0, 3, 6];
const positions = [0, 1, 2, 0, 0, 1]; // row 1 is left-padded
const padding = [1, 1, 1, 0, 1, 1];
const labels = [5, 2, -100, -100, 6, 4];

const int64Inputs = [
  { name: 'input_ids', shape: [B, T], dtype: 'int64' as const, values: ids },
  { name: 'position_ids', shape: [B, T], dtype: 'int64' as const, values: positions },
  { name: 'attention_mask', shape: [B, T], dtype: 'int64' as const, values: padding },
  { name: 'labels', shape: [B, T], dtype: 'int64' as const, values: labels },
];
const adapterInputs = projs.flatMap((p) => [
  { name: `${modulePath(p)}.hyperadapt_a`, shape: [linears[p][0]], values: adapters[p].a },
  { name: `${modulePath(p)}.hyperadapt_b`, shape: [linears[p][1]], values: adapters[p].b },
]);

function frozen(g: Graph, name: string, shape: readonly number[], values: number[]): Tensor {
  return g.initializer(name, { shape, stored: 'float64', data: Float64Array.from(values) });
}

/** The graph under test; returns logits [B, T, V] and the loss. */
function build(g: Graph, x: Record<string, Tensor>): { logits: Tensor; loss: Tensor } {
  const lin = (p: Proj): LinearParams => ({
    weight: frozen(g, `${modulePath(p)}.weight`, linears[p], weights[p]),
    adapter: { a: x[`${modulePath(p)}.hyperadapt_a`]!, b: x[`${modulePath(p)}.hyperadapt_b`]! },
  });
  const hidden = g.scope('model.embed_tokens', () => Gather(g, frozen(g, 'model.embed_tokens.weight', [V, C], embed), x.input_ids!)); // [B, T, C]
  const rope = g.scope('model.rotary_emb', () => ropeTables(g, x.position_ids!, invFreq, 'float64'));
  const mask = g.scope('model.mask', () => attentionMask(g, T, x.attention_mask));
  const layer = {
    inputNorm: frozen(g, 'model.layers.0.input_layernorm.weight', [C], norms.input),
    postAttentionNorm: frozen(g, 'model.layers.0.post_attention_layernorm.weight', [C], norms.post),
    eps,
    attention: { q: lin('q'), k: lin('k'), v: lin('v'), o: lin('o'), numHeads: H, numKvHeads: KV, headDim: Dh },
    mlp: { gate: lin('gate'), up: lin('up'), down: lin('down') },
  };
  const out = g.scope('model.layers.0', () => decoderLayer(g, hidden, layer, rope, mask)); // [B, T, C]
  const normed = g.scope('model.norm', () => rmsNorm(g, out, frozen(g, 'model.norm.weight', [C], norms.final), eps));
  const logits = g.scope('lm_head', () => linear(g, normed, { weight: frozen(g, 'lm_head.weight', [V, C], lmHead) })); // [B, T, V]
  const { loss } = g.scope('loss', () => maskedCrossEntropy(g, logits, x.labels!));
  return { logits, loss };
}

/** The same model in plain arrays. */
function referenceLogits(): number[] {
  const ref = (p: Proj): RefLinear => ({ W: weights[p], a: adapters[p].a, b: adapters[p].b });
  const layer = {
    H, KV, Dh, eps, invFreq, inputNorm: norms.input, postNorm: norms.post,
    q: ref('q'), k: ref('k'), v: ref('v'), o: ref('o'), gate: ref('gate'), up: ref('up'), down: ref('down'),
  };
  return Array.from({ length: B }, (_, b) => {
    const row = (xs: number[]): number[] => xs.slice(b * T, (b + 1) * T);
    const xs = row(ids).map((id) => embed.slice(id * C, (id + 1) * C));
    const out = decoderLayerRef(xs, row(positions), row(padding), layer);
    return out.flatMap((h) => linearRef(rmsNormRef(h, norms.final, eps), { W: lmHead }));
  }).flat();
}

describe('a HyperAdapt decoder layer (llama-style, GQA, RoPE, padding)', () => {
  test('forward logits and loss match the plain float64 reference', async () => {
    const r = await gradcheck({
      inputs: [...int64Inputs, ...adapterInputs.map((i) => ({ ...i, wrt: false }))],
      build: (g, x) => {
        const { logits, loss } = build(g, x);
        return [logits, loss];
      },
    });
    const expected = referenceLogits();
    const worst = Math.max(...r.outputs[0]!.map((v, i) => Math.abs(v - expected[i]!)));
    expect(worst, `largest logit difference ${worst}`).toBeLessThan(1e-12);
    expect(r.outputs[1]![0]).toBeCloseTo(crossEntropy(expected, labels, V).loss, 12);
  });

  test('gradients of all 14 adapter vectors match finite differences (float64)', async () => {
    const r = await gradcheck({ inputs: [...int64Inputs, ...adapterInputs], build: (g, x) => build(g, x).loss });
    expect(r.checked).toBe(projs.reduce((n, p) => n + linears[p][0] + linears[p][1], 0));
    // The tokens that reach the loss depend on every vector: no gradient is identically zero.
    for (const i of adapterInputs) expect(r.grads[i.name]!.some((d) => d !== 0), i.name).toBe(true);
  });

  test('node names follow the HF module paths', async () => {
    const r = await gradcheck({ inputs: [...int64Inputs, ...adapterInputs.map((i) => ({ ...i, wrt: false }))], build: (g, x) => build(g, x).loss });
    const names = r.graph.nodes.map((n) => n.name);
    expect(names).toContain('model.layers.0.self_attn.q_proj/FusedMatMul');
    expect(names).toContain('model.layers.0.mlp.down_proj/FusedMatMul');
    expect(names).toContain('model.layers.0.input_layernorm/ReduceMean');
  });
});
