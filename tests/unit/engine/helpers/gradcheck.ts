/**
 * Gradient checks against central finite differences, run by onnxruntime itself: the graph computes
 * loss = Σ_i ReduceSum(y_i ⊙ r_i) for fixed random r_i, plus the analytic gradients; the same session
 * is then run at x ± eps·e_j for every element j of every checked input.
 */
import type { InferenceSession } from 'onnxruntime-node';
import { grad } from '../../../../src/main/engine/onnx/autodiff';
import { isStatic, numel, sameShape, shapeStr } from '../../../../src/main/engine/onnx/dims';
import { type DType, isFloat } from '../../../../src/main/engine/onnx/element-types';
import { Graph, type Tensor } from '../../../../src/main/engine/onnx/graph';
import { Add, Mul, ReduceSum } from '../../../../src/main/engine/onnx/ops';
import { rng, uniform } from './random';
import { type Feeds, session, tensor, values } from './session';

export interface InputSpec {
  name: string;
  shape: number[];
  /** Default: the check's dtype. */
  dtype?: DType;
  /** Default: uniform in `range`. */
  values?: number[];
  range?: [number, number];
  /** Check the gradient of this input (default: every float input). */
  wrt?: boolean;
}

export interface Tolerance {
  eps: number;
  rtol: number;
  atol: number;
}

/** Central differences in float64 are good to ~1e-9 here; float32 only where a kernel lacks float64. */
export const FLOAT64_TOL: Tolerance = { eps: 1e-6, rtol: 1e-6, atol: 1e-7 };
export const FLOAT32_TOL: Tolerance = { eps: 1e-2, rtol: 2e-3, atol: 2e-3 };

export interface GradcheckOptions {
  dtype?: 'float64' | 'float32';
  inputs: InputSpec[];
  build: (g: Graph, x: Record<string, Tensor>) => Tensor | Tensor[];
  tol?: Partial<Tolerance>;
  seed?: number;
}

export interface GradcheckResult {
  graph: Graph;
  loss: number;
  /** Analytic gradient of each checked input. */
  grads: Record<string, number[]>;
  /** Forward outputs y_i. */
  outputs: number[][];
  checked: number;
}

export interface Mismatch {
  input: string;
  index: number;
  analytic: number;
  numeric: number;
  ratio: number;
}

/** The worst element by |a - n| / (atol + rtol·max(|a|, |n|)); a ratio above 1, or NaN, fails. */
export function worstMismatch(input: string, analytic: readonly number[], numeric: readonly number[], tol: Tolerance): Mismatch {
  let worst: Mismatch = { input, index: -1, analytic: 0, numeric: 0, ratio: 0 };
  analytic.forEach((a, index) => {
    const n = numeric[index]!;
    const ratio = Math.abs(a - n) / (tol.atol + tol.rtol * Math.max(Math.abs(a), Math.abs(n)));
    if (!(ratio <= worst.ratio)) worst = { input, index, analytic: a, numeric: n, ratio };
  });
  return worst;
}

export async function gradcheck(opts: GradcheckOptions): Promise<GradcheckResult> {
  const dtype = opts.dtype ?? 'float64';
  const tol = { ...(dtype === 'float64' ? FLOAT64_TOL : FLOAT32_TOL), ...opts.tol };
  const next = rng(opts.seed ?? 1);
  const g = new Graph('gradcheck');
  const specs = opts.inputs.map((s) => ({ ...s, dtype: s.dtype ?? dtype }));
  const xs = Object.fromEntries(specs.map((s) => [s.name, g.input(s.name, s.dtype, s.shape)]));
  const ys = [opts.build(g, xs)].flat();
  let loss: Tensor | undefined;
  for (const y of ys) {
    if (!isStatic(y.shape)) throw new Error(`gradcheck needs static output shapes, got ${shapeStr(y.shape)}`);
    const r = g.constant(y.dtype, y.shape, uniform(next, numel(y.shape)));
    const term = ReduceSum(g, Mul(g, y, r), { keepdims: 0 });
    loss = loss ? Add(g, loss, term) : term;
  }
  const checked = specs.filter((s) => s.wrt ?? isFloat(s.dtype));
  const grads = grad(g, loss!, checked.map((s) => xs[s.name]!));
  g.output(loss!, 'loss');
  ys.forEach((y, i) => g.output(y, `y${i}`));
  checked.forEach((s, i) => g.output(grads[i]!, `grad_${s.name}`));

  const sess = await session(g);
  const data = Object.fromEntries(specs.map((s) => [s.name, s.values ?? uniform(next, numel(s.shape), ...(s.range ?? [-1, 1]))]));
  const feeds = (over: Record<string, number[]> = {}): Feeds =>
    Object.fromEntries(specs.map((s) => [s.name, tensor(s.dtype, s.shape, over[s.name] ?? data[s.name]!)]));
  const base = await sess.run(feeds());
  ys.forEach((y, i) => {
    const dims = base[`y${i}`]!.dims;
    if (!sameShape(dims, y.shape)) throw new Error(`output ${i}: onnxruntime gives ${shapeStr(dims)}, inferred ${shapeStr(y.shape)}`);
  });

  const result: GradcheckResult = { graph: g, loss: values(base.loss!)[0]!, grads: {}, outputs: ys.map((_, i) => values(base[`y${i}`]!)), checked: 0 };
  for (const s of checked) {
    const analytic = values(base[`grad_${s.name}`]!);
    const numeric = await finiteDifferences(sess, feeds, s, data[s.name]!, tol.eps);
    result.grads[s.name] = analytic;
    result.checked += analytic.length;
    const worst = worstMismatch(s.name, analytic, numeric, tol);
    if (!(worst.ratio <= 1)) {
      throw new Error(
        `gradient mismatch for '${s.name}'[${worst.index}]: analytic ${worst.analytic}, finite difference ${worst.numeric} ` +
          `(tolerance ${tol.atol} + ${tol.rtol}·|x|); analytic starts [${analytic.slice(0, 6).join(', ')}], ` +
          `numeric [${numeric.slice(0, 6).join(', ')}]`,
      );
    }
  }
  return result;
}

async function finiteDifferences(
  sess: InferenceSession,
  feeds: (over: Record<string, number[]>) => Feeds,
  spec: InputSpec & { dtype: DType },
  x: number[],
  eps: number,
): Promise<number[]> {
  const lossAt = async (v: number[]): Promise<number> => values((await sess.run(feeds({ [spec.name]: v }))).loss!)[0]!;
  // In float32 x ± eps is rounded: divide by the step actually taken.
  const round = spec.dtype === 'float32' ? Math.fround : (v: number): number => v;
  const out: number[] = [];
  for (let j = 0; j < x.length; j++) {
    const hi = [...x];
    const lo = [...x];
    hi[j] = round(x[j]! + eps);
    lo[j] = round(x[j]! - eps);
    out.push(((await lossAt(hi)) - (await lossAt(lo))) / (hi[j]! - lo[j]!));
  }
  return out;
}
