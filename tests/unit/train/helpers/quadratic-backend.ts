/**
 * A stand-in for the ONNX training session with a known answer: every supervised target token
 * t contributes Σ_i (p_i - c_i(t))² / P to the loss, where c(t) is a fixed vector per token id.
 */
import { IGNORE_INDEX } from '../../../../src/main/engine/train/examples';
import type { MicroBatch } from '../../../../src/main/engine/train/micro-batch';
import type { StepBackend } from '../../../../src/main/engine/train/trainer';

function target(token: bigint, i: number): number {
  return Math.sin(Number(token) * 0.7 + i);
}

export function quadraticBackend(): StepBackend & { calls: number } {
  const backend = {
    calls: 0,
    async trainMicroBatch(batch: MicroBatch, params: Float32Array) {
      backend.calls += 1;
      const P = params.length;
      const grad = new Float32Array(P);
      let lossSum = 0;
      for (let k = 0; k < batch.targets.length; k++) {
        const token = batch.targets[k]!;
        if (token === BigInt(IGNORE_INDEX)) continue;
        for (let i = 0; i < P; i++) {
          const d = params[i]! - target(token, i);
          lossSum += (d * d) / P;
          grad[i]! += (2 * d) / P;
        }
      }
      return { lossSum, grad };
    },
    async evalMicroBatch(batch: MicroBatch, params: Float32Array) {
      return { lossSum: (await backend.trainMicroBatch(batch, params)).lossSum };
    },
  };
  return backend;
}
