/**
 * The models the engine benchmark runs, built with the engine's own graph builder and autodiff
 * (what training uses), weights as external data in a safetensors file beside the .onnx.
 *
 * Dims: T tokens (batch x seq), a layer maps [T, in] -> [T, out] with W [out, in].
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { grad } from '../src/main/engine/onnx/autodiff';
import { Graph, type Tensor } from '../src/main/engine/onnx/graph';
import { hyperLinear } from '../src/main/engine/onnx/hyper-linear';
import { Identity, MatMul, ReduceSum } from '../src/main/engine/onnx/ops';
import { readSafetensorsHeader, getTensorInfo } from '../src/main/engine/onnx/safetensors';
import { SafetensorsWriter } from '../src/main/engine/onnx/safetensors-writer';
import { serializeModel } from '../src/main/engine/onnx/serialize';

export interface LayerShape {
  in: number;
  out: number;
}

/** Deterministic uniform values in [-scale, scale): reproducible weights without a seedable RNG. */
export function uniform(count: number, scale: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = ((state >>> 0) / 2 ** 32 - 0.5) * 2 * scale;
  }
  return out;
}

/**
 * Writes one F32 weight per layer, streamed one tensor at a time (never all in memory at once).
 * Returns the total weight bytes.
 */
export async function writeWeights(path: string, layers: readonly LayerShape[]): Promise<number> {
  const specs = layers.map((l, i) => ({ name: `layers.${i}.weight`, dtype: 'F32' as const, shape: [l.out, l.in] }));
  const writer = await SafetensorsWriter.open(path, specs, { producer: 'hyperadapt engine benchmark' });
  try {
    for (const [i, l] of layers.entries()) {
      // 1/sqrt(in) keeps activations near unit scale through the stack, as nn.Linear's init does.
      await writer.writeTensor(specs[i]!.name, uniform(l.out * l.in, 1 / Math.sqrt(l.in), i + 1));
    }
    await writer.commit();
  } catch (error) {
    await writer.abort();
    throw error;
  }
  return layers.reduce((n, l) => n + l.in * l.out * 4, 0);
}

/**
 * Forward and backward of a stack of HyperAdapt linears, as one graph.
 * Inputs: x [T, in_0], dy [T, out_last] (the upstream gradient, standing in for a loss), a_i [out_i], b_i [in_i].
 * Outputs: da_i, db_i. The forward's last output only feeds the backward, so no loss ops dilute the timing.
 */
export async function writeHyperAdaptModel(dir: string, weightsFile: string, tokens: number, layers: readonly LayerShape[]): Promise<string> {
  const header = await readSafetensorsHeader(join(dir, weightsFile));
  const g = new Graph('hyperadapt_stack');
  let h: Tensor = g.input('x', 'float32', [tokens, layers[0]!.in]); // [T, in_0]
  const trained: Tensor[] = [];
  for (const [i, l] of layers.entries()) {
    const info = getTensorInfo(header, `layers.${i}.weight`);
    h = g.scope(`layers.${i}`, () => {
      const W = g.initializer(`layers.${i}.weight`, {
        shape: [l.out, l.in],
        stored: 'float32',
        external: { location: weightsFile, offset: info.byteOffset, length: info.byteLength },
      });
      const a = g.input(`layers.${i}.hyperadapt_a`, 'float32', [l.out]);
      const b = g.input(`layers.${i}.hyperadapt_b`, 'float32', [l.in]);
      trained.push(a, b);
      return hyperLinear(g, h, W, a, b); // [T, out_i]
    });
  }
  const dy = g.input('dy', 'float32', [tokens, layers[layers.length - 1]!.out]);
  const grads = grad(g, h, trained, { seed: dy });
  grads.forEach((d, i) => g.output(d, `grad.${trained[i]!.name}`));
  const path = join(dir, 'hyperadapt-stack.onnx');
  await writeFile(path, serializeModel(g));
  return path;
}

/**
 * A chain of plain MatMuls x [T, k_0] -> [T, k_1] -> ... with embedded weights, summed to a scalar
 * so that copying the output costs nothing: the reference for what MatMul reaches on this machine.
 */
export async function writeMatMulChainModel(dir: string, name: string, tokens: number, dims: readonly number[]): Promise<string> {
  const g = new Graph(name);
  let h = g.input('x', 'float32', [tokens, dims[0]!]);
  for (let i = 0; i + 1 < dims.length; i++) {
    const [k, n] = [dims[i]!, dims[i + 1]!];
    const W = g.initializer(`w${i}`, { shape: [k, n], stored: 'float32', data: uniform(k * n, 1 / Math.sqrt(k), 100 + i) });
    h = MatMul(g, h, W); // [T, n]
  }
  g.output(ReduceSum(g, h, { keepdims: 0 }), 'sum');
  const path = join(dir, `${name}.onnx`);
  await writeFile(path, serializeModel(g));
  return path;
}

/** A one-node model, to start the session worker and onnxruntime before measuring anything else. */
export function identityModelBytes(): Uint8Array {
  const g = new Graph('identity');
  g.output(Identity(g, g.input('x', 'float32', [1])), 'y');
  return serializeModel(g);
}
