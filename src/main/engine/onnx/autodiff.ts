/**
 * Reverse-mode autodiff over the graph's tape. It only walks: the calculus is in gradients.ts.
 * Backward nodes are emitted only along paths from `wrt` to the loss, in reverse topological order;
 * fan-in is summed, and broadcasting is undone here, once, for every rule.
 */
import { sameShape, shapeStr } from './dims';
import { isFloat } from './element-types';
import { AutodiffError } from './errors';
import type { Graph, TapeEntry, Tensor } from './graph';
import { RULES, type VjpContext } from './gradients';
import { Add, ReduceSum, Reshape, shapeTensor } from './ops';

export interface GradOptions {
  /** Gradient of the loss itself; required when the loss is not a scalar. Default 1. */
  seed?: Tensor;
}

/** d loss / d w for each w in `wrt` (graph inputs or any intermediate tensor), in w's shape and dtype. */
export function grad(g: Graph, loss: Tensor, wrt: readonly Tensor[], { seed }: GradOptions = {}): Tensor[] {
  const path = entriesBetween(g.tape, wrt, loss);
  const grads = new Map<Tensor, Tensor>([[loss, seed ? checkSeed(seed, loss) : defaultSeed(g, loss)]]);
  const needs = new Set<Tensor>(wrt);
  for (const e of path) e.outputs.forEach((t) => needs.add(t)); // what depends on wrt and reaches the loss
  for (const e of path) {
    const dys = e.outputs.map((t) => grads.get(t) ?? null);
    if (dys.every((d) => d === null)) continue;
    const rule = RULES[e.op];
    if (!rule) throw new AutodiffError(e.op, e.name, `no gradient rule for ${e.op}; add one to gradients.ts`);
    g.atPath(`${e.name}/vjp`, () => {
      const fns = rule(context(g, e, dys));
      if (fns.length !== e.inputs.length) {
        throw new AutodiffError(e.op, e.name, `rule returned ${fns.length} gradients for ${e.inputs.length} inputs`);
      }
      e.inputs.forEach((x, i) => {
        const fn = fns[i];
        if (!fn || !needs.has(x)) return;
        const dx = fitTo(g, e, fn(), x);
        const prev = grads.get(x);
        grads.set(x, prev ? Add(g, prev, dx) : dx); // fan-in
      });
    });
  }
  return wrt.map((w) => {
    const d = grads.get(w);
    if (!d) {
      throw new AutodiffError('grad', w.name, `no gradient reaches '${w.name}' from '${loss.name}': no path, or only through inputs without gradient (comparisons, indices, shapes)`);
    }
    return d;
  });
}

/** Tape entries on some path from `wrt` to `loss`, last first (reverse topological order). */
function entriesBetween(tape: readonly TapeEntry[], wrt: readonly Tensor[], loss: Tensor): TapeEntry[] {
  const fromWrt = new Set<Tensor>(wrt);
  const downstream = tape.filter((e) => {
    if (!e.inputs.some((t) => fromWrt.has(t))) return false;
    e.outputs.forEach((t) => fromWrt.add(t));
    return true;
  });
  const toLoss = new Set<Tensor>([loss]);
  const path: TapeEntry[] = [];
  for (const e of [...downstream].reverse()) {
    if (!e.outputs.some((t) => toLoss.has(t))) continue;
    path.push(e);
    e.inputs.forEach((t) => toLoss.add(t));
  }
  return path;
}

function context(g: Graph, e: TapeEntry, dys: (Tensor | null)[]): VjpContext {
  return {
    g,
    e,
    x: e.inputs,
    y: e.outputs,
    dys,
    get dy(): Tensor {
      const d = dys[0];
      if (!d) throw new AutodiffError(e.op, e.name, 'rule needs the gradient of output 0, which does not reach the loss');
      return d;
    },
  };
}

/**
 * The one place broadcasting is undone: a gradient in the output's broadcast shape is summed over
 * the axes the input was broadcast along, then reshaped to drop the leading ones.
 */
function fitTo(g: Graph, e: TapeEntry, dx: Tensor, x: Tensor): Tensor {
  if (dx.dtype !== x.dtype) {
    throw new AutodiffError(e.op, e.name, `gradient for '${x.name}' is ${dx.dtype}, expected ${x.dtype}`);
  }
  if (sameShape(dx.shape, x.shape)) return dx;
  const lead = dx.shape.length - x.shape.length;
  const fits = lead >= 0 && x.shape.every((d, i) => d === 1 || d === dx.shape[lead + i]);
  if (!fits) {
    throw new AutodiffError(e.op, e.name, `gradient ${shapeStr(dx.shape)} does not reduce to input '${x.name}' ${shapeStr(x.shape)}`);
  }
  const axes = dx.shape.map((_, i) => i).filter((i) => i < lead || (x.shape[i - lead] === 1 && dx.shape[i] !== 1));
  const summed = ReduceSum(g, dx, { axes, keepdims: 1 });
  return lead === 0 ? summed : Reshape(g, summed, shapeTensor(g, x));
}

function defaultSeed(g: Graph, loss: Tensor): Tensor {
  if (loss.shape.length !== 0 || !isFloat(loss.dtype)) {
    throw new AutodiffError('grad', loss.name, `loss must be a float scalar to seed with 1, got ${loss.dtype} ${shapeStr(loss.shape)}; pass a seed`);
  }
  return g.constant(loss.dtype, [], [1]);
}

function checkSeed(seed: Tensor, loss: Tensor): Tensor {
  if (seed.dtype !== loss.dtype || !sameShape(seed.shape, loss.shape)) {
    throw new AutodiffError('grad', loss.name, `seed ${seed.dtype} ${shapeStr(seed.shape)} must match loss ${loss.dtype} ${shapeStr(loss.shape)}`);
  }
  return seed;
}
