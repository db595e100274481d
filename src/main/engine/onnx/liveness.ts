/**
 * How many bytes of intermediate tensors a graph holds at its worst moment, found by walking its
 * nodes in the order onnxruntime runs them and keeping each buffer from the node that writes it
 * to the last node that reads it. It models what onnxruntime does with a graph of static shapes:
 * - the order is onnxruntime's default topological sort (GraphViewer, graph_viewer.cc): a
 *   depth-first walk up from the nodes nobody reads, inputs visited highest node index first, each
 *   node placed when all its inputs are (post-order). Backward nodes that read only forward
 *   tensors can so run early and hold their result until it is needed; build order would miss that;
 * - nodes whose inputs are all initializers or constants are folded at load, and cost nothing here
 *   (the caller counts folded weights, such as a bf16 -> float32 Cast, with the weights);
 * - Reshape, Squeeze, Unsqueeze and Identity return a view of their input, not a copy;
 * - graph outputs stay alive to the end; graph inputs and initializers are not intermediates.
 * It does not model buffers reused in place, so it errs high by at most an operand per node.
 */
import { numel, shapeStr } from './dims';
import { DTYPE_BYTES } from './element-types';
import { GraphError } from './errors';
import type { Graph, Tensor } from './graph';

/** Ops whose output shares its input's buffer in onnxruntime's CPU provider. */
const VIEW_OPS = new Set(['Reshape', 'Squeeze', 'Unsqueeze', 'Identity']);

export interface Liveness {
  /** The most intermediate bytes alive at once. */
  readonly peakBytes: number;
  /** The node at which that happens. */
  readonly peakNode: string;
}

export function simulateLiveness(g: Graph): Liveness {
  const constant = new Set<string>(g.initializers.map((i) => i.tensor.name));
  const live: number[] = []; // indices of nodes that run (not folded at load)
  g.nodes.forEach((node, i) => {
    if (node.inputs.every((t) => constant.has(t.name))) node.outputs.forEach((t) => constant.add(t.name));
    else live.push(i);
  });
  const order = onnxruntimeOrder(g, live);

  const buffer = new Map<string, string>(); // tensor -> the tensor whose buffer it views (itself when it owns one)
  const lastUse = new Map<string, number>(); // buffer -> step of the last node reading it
  order.forEach((i, step) => {
    const node = g.nodes[i]!;
    for (const t of node.inputs) {
      const b = buffer.get(t.name);
      if (b !== undefined) lastUse.set(b, step);
    }
    node.outputs.forEach((t, k) => {
      const viewed = k === 0 && VIEW_OPS.has(node.op) ? buffer.get(node.inputs[0]!.name) : undefined;
      buffer.set(t.name, viewed ?? t.name);
      if (viewed === undefined) lastUse.set(t.name, step); // written, perhaps never read
    });
  });
  for (const t of g.outputs) {
    const b = buffer.get(t.name);
    if (b !== undefined) lastUse.set(b, Number.POSITIVE_INFINITY);
  }

  const freedAt = new Map<number, string[]>();
  for (const [b, step] of lastUse) if (Number.isFinite(step)) freedAt.set(step, [...(freedAt.get(step) ?? []), b]);
  const sizes = new Map<string, number>();
  let current = 0;
  let peak = { peakBytes: 0, peakNode: '' };
  order.forEach((i, step) => {
    const node = g.nodes[i]!;
    for (const t of node.outputs) {
      if (buffer.get(t.name) !== t.name) continue;
      const bytes = bytesOf(t);
      sizes.set(t.name, bytes);
      current += bytes;
    }
    if (current > peak.peakBytes) peak = { peakBytes: current, peakNode: node.name };
    for (const b of freedAt.get(step) ?? []) current -= sizes.get(b) ?? 0;
  });
  return peak;
}

/**
 * onnxruntime's default execution order over the nodes `live` (indices into g.nodes, which are
 * onnxruntime's node indices: the model's node order). Graph::ReverseDFSFrom with NodeCompare:
 * the leaves are pushed on a stack in index order; a popped node pushes its producers sorted by
 * index (so the highest is visited first) and is emitted once they all are.
 */
function onnxruntimeOrder(g: Graph, live: readonly number[]): number[] {
  const producer = new Map<string, number>();
  for (const i of live) for (const t of g.nodes[i]!.outputs) producer.set(t.name, i);
  const producers = new Map<number, number[]>();
  const read = new Set<number>();
  for (const i of live) {
    const from = [...new Set(g.nodes[i]!.inputs.map((t) => producer.get(t.name)).filter((p): p is number => p !== undefined))];
    producers.set(i, from.sort((a, b) => a - b));
    from.forEach((p) => read.add(p));
  }
  const stack: [number, boolean][] = live.filter((i) => !read.has(i)).map((i) => [i, false]);
  const visited = new Set<number>();
  const order: number[] = [];
  while (stack.length > 0) {
    const [i, leaving] = stack.pop()!;
    if (leaving) {
      order.push(i);
      continue;
    }
    if (visited.has(i)) continue;
    visited.add(i);
    stack.push([i, true]);
    for (const p of producers.get(i)!) stack.push([p, false]);
  }
  return order;
}

function bytesOf(t: Tensor): number {
  if (!t.shape.every((d): d is number => typeof d === 'number')) {
    throw new GraphError(`liveness needs static shapes: '${t.name}' is ${shapeStr(t.shape)}`);
  }
  return numel(t.shape) * DTYPE_BYTES[t.dtype];
}
