/**
 * The MatMul peak: plain fp32 MatMul chains at transformer shapes, with prepacking on and off;
 * the best GFLOP/s is what onnxruntime's MatMul reaches on this machine, the yardstick for every
 * "fraction of the MatMul peak" a benchmark reports.
 */
import { join } from 'node:path';
import { EngineSession, type EngineSessionOptions } from '../src/main/engine/onnx/session';
import { uniform, writeMatMulChainModel } from './engine-models';
import { type Figures, timeRuns } from './measure';

/** Tokens of the chains' inputs: [T, k0] -> [T, k1] -> ... */
export const MATMUL_PEAK_TOKENS = 2048;
// 17 GFLOP per MatMul: long enough to time, at the shapes of a transformer's projections and MLP.
const MATMUL_CHAINS: Record<string, number[]> = {
  'matmul-1024x4096': [1024, 4096, 1024, 4096, 1024],
  'matmul-2048x2048': [2048, 2048, 2048, 2048, 2048],
};

/** Writes the chains' .onnx files into `dir`. */
export async function writeMatMulPeakModels(dir: string): Promise<void> {
  for (const [name, dims] of Object.entries(MATMUL_CHAINS)) await writeMatMulChainModel(dir, name, MATMUL_PEAK_TOKENS, dims);
}

/** GFLOP/s per chain and prepacking setting (keys `<chain>` and `<chain>-unpacked`): the peak is the best of all. */
export async function measureMatMulPeak(dir: string, threads: number, timing = { warmup: 1, timed: 3 }): Promise<Figures> {
  const result: Figures = {};
  for (const [name, dims] of Object.entries(MATMUL_CHAINS)) {
    for (const prepacking of [true, false]) {
      const options: EngineSessionOptions = { device: 'cpu', intraOpNumThreads: threads, ...(!prepacking && { extra: { session: { disable_prepacking: '1' } } }) };
      const session = await EngineSession.create(join(dir, `${name}.onnx`), options);
      const T = MATMUL_PEAK_TOKENS;
      const { best } = await timeRuns(session, { x: { type: 'float32', data: uniform(T * dims[0]!, 1, 7), dims: [T, dims[0]!] } }, timing);
      await session.release();
      let flops = 0;
      for (let i = 0; i + 1 < dims.length; i++) flops += 2 * T * dims[i]! * dims[i + 1]!;
      result[`${name}${prepacking ? '' : '-unpacked'}`] = flops / best / 1e9;
    }
  }
  return result;
}
