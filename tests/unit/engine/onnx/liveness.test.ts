import { describe, expect, test } from 'vitest';
import { Graph } from '../../../../src/main/engine/onnx/graph';
import { simulateLiveness } from '../../../../src/main/engine/onnx/liveness';
import { Add, Cast, Exp, Mul, Neg, Reshape } from '../../../../src/main/engine/onnx/ops';

describe('simulateLiveness', () => {
  test('counts each buffer from its writer to its last reader, views as their base, and folded constants not at all', () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [8]); // inputs are not intermediates
    const w = Cast(g, g.constant('float64', [8], [1, 2, 3, 4, 5, 6, 7, 8]), { to: 'float32' }); // folded at load: free
    const a = Exp(g, Mul(g, x, w)); // Mul 32 B, then Exp 32 B (the Mul's buffer dies at the Exp)
    const view = Reshape(g, a, [2, 4]); // a view of a: no bytes, but it keeps a alive
    const b = Mul(g, view, 2); // [2, 4] 32 B, while a is alive: 64 B
    const c = Add(g, Reshape(g, b, [8]), x); // 32 B while b is alive, a dead
    g.output(c, 'c');
    g.output(a, 'a'); // an output stays alive to the end
    const { peakBytes, peakNode } = simulateLiveness(g);
    expect(peakBytes).toBe(32 * 3); // a (an output), b, and c at the last Add
    expect(peakNode).toBe(g.nodes.find((n) => n.outputs.includes(c))!.name);
  });

  test("walks the nodes in onnxruntime's depth-first order (graph_viewer.cc), not in build order", () => {
    // Build order: a c d b e out, with a, d, b and e alive at e (4 x 4000 B).
    // onnxruntime: up from out, the highest-index producer first: a b e c d out, never more than 3 alive.
    const g = new Graph();
    const x = g.input('x', 'float32', [1000]);
    const a = Exp(g, x);
    const c = Exp(g, a);
    const d = Exp(g, c);
    const b = Neg(g, a);
    const e = Mul(g, b, a);
    g.output(Add(g, e, d), 'out');
    expect(simulateLiveness(g).peakBytes).toBe(3 * 4000);
  });

  test('a tensor nobody reads is freed right after it is written', () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [1000]);
    Exp(g, x); // 4000 B, dead at once
    const y = Mul(g, x, 3);
    g.output(Add(g, y, 1), 'y');
    expect(simulateLiveness(g).peakBytes).toBe(8000); // y and the Add's output
  });

  test('refuses named dims: the estimate needs sizes', () => {
    const g = new Graph();
    g.output(Exp(g, g.input('x', 'float32', ['B', 4])), 'y');
    expect(() => simulateLiveness(g)).toThrow(/static shapes/);
  });
});
