import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineSession, SessionError, SessionWorker } from '../../../src/main/engine/onnx/session';
import { doublerModel, FLOAT16, INT64, matmulChainModel, modelBytes, node, valueInfo } from './onnx-models';

// The CUDA provider library sits beside the binding only when the GPU package was installed.
const bindingDir = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node'));
const cudaInstalled = existsSync(join(bindingDir, 'libonnxruntime_providers_cuda.so'));

const sessions: EngineSession[] = [];
async function open(model: Uint8Array, options: Parameters<typeof EngineSession.create>[1] = {}): Promise<EngineSession> {
  const session = await EngineSession.create(model, { device: 'cpu', ...options });
  sessions.push(session);
  return session;
}
afterAll(async () => {
  for (const s of sessions) await s.release();
});

describe('EngineSession', () => {
  it('runs a model in the worker and returns typed outputs', async () => {
    const s = await open(doublerModel(4));
    expect(s.provider).toBe('cpu');
    expect(s.notes).toEqual([]);
    expect(s.inputNames).toEqual(['x']);
    expect(s.outputNames).toEqual(['y']);
    const { y } = await s.run({ x: { type: 'float32', data: new Float32Array([1, 2, 3, 4]), dims: [4] } });
    expect(y.type).toBe('float32');
    expect(y.dims).toEqual([4]);
    expect(y.data).toEqual(new Float32Array([2, 4, 6, 8]));
  });

  it('copies inputs by default (only a view\'s own bytes) and moves them on request', async () => {
    const s = await open(doublerModel(2));
    const big = new Float32Array([9, 1, 2, 9]);
    const view = big.subarray(1, 3);
    expect((await s.run({ x: { type: 'float32', data: view, dims: [2] } })).y.data).toEqual(new Float32Array([2, 4]));
    expect(big).toEqual(new Float32Array([9, 1, 2, 9]));
    const moved = new Float32Array([5, 6]);
    expect((await s.run({ x: { type: 'float32', data: moved, dims: [2] } }, { transferInputs: true })).y.data).toEqual(new Float32Array([10, 12]));
    expect(moved.length).toBe(0); // detached: its buffer now belongs to the worker
    // A detached buffer cannot be sent again: the run fails at once, and nothing is left waiting.
    await expect(s.run({ x: { type: 'float32', data: moved, dims: [2] } }, { transferInputs: true })).rejects.toThrow(/detached/);
  });

  it('passes int64 and float16 tensors through', async () => {
    const model = modelBytes({
      name: 'types',
      node: [node('Identity', ['ids'], ['ids_out']), node('Identity', ['half'], ['half_out'])],
      input: [valueInfo('ids', INT64, [2]), valueInfo('half', FLOAT16, [2])],
      output: [valueInfo('ids_out', INT64, [2]), valueInfo('half_out', FLOAT16, [2])],
    });
    const s = await open(model);
    const out = await s.run({
      ids: { type: 'int64', data: new BigInt64Array([3n, -4n]), dims: [2] },
      half: { type: 'float16', data: new Uint16Array([0x3c00, 0xc000]), dims: [2] },
    });
    expect(out.ids_out.data).toEqual(new BigInt64Array([3n, -4n]));
    expect(out.half_out).toEqual({ type: 'float16', data: new Uint16Array([0x3c00, 0xc000]), dims: [2] });
    const only = await s.run({ ids: { type: 'int64', data: new BigInt64Array([1n, 2n]), dims: [2] }, half: { type: 'float16', data: new Uint16Array(2), dims: [2] } }, { fetches: ['ids_out'] });
    expect(Object.keys(only)).toEqual(['ids_out']);
  });

  it('re-throws onnxruntime errors from the worker with their message', async () => {
    const s = await open(doublerModel(4));
    const missing = await s.run({ z: { type: 'float32', data: new Float32Array(4), dims: [4] } }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(SessionError);
    expect((missing as SessionError).operation).toBe('run');
    expect((missing as SessionError).message).toMatch(/input 'x' is missing in 'feeds'/);
    const shape = await s.run({ x: { type: 'float32', data: new Float32Array(3), dims: [3] } }).catch((e: unknown) => e);
    expect((shape as Error).message).toMatch(/Got invalid dimensions for input: x/);
    expect(((shape as SessionError).workerError?.stack ?? '')).toContain('Error');

    const broken = await EngineSession.create(new Uint8Array([1, 2, 3, 4, 5]), { device: 'cpu' }).catch((e: unknown) => e);
    expect(broken).toBeInstanceOf(SessionError);
    expect((broken as SessionError).operation).toBe('create');
    expect((broken as Error).message).toMatch(/protobuf parsing failed|Failed to load model/i);

    await s.release();
    await expect(s.run({ x: { type: 'float32', data: new Float32Array(4), dims: [4] } })).rejects.toThrow('this session was released');
  });

  it.runIf(!cudaInstalled)('falls back from CUDA to the CPU and says why', async () => {
    const s = await open(doublerModel(4), { device: 'auto' });
    expect(s.provider).toBe('cpu');
    expect(s.notes.join(' ')).toMatch(/^CUDA: .*(provider|CUDA)/);
    const { y } = await s.run({ x: { type: 'float32', data: new Float32Array([1, 1, 1, 1]), dims: [4] } });
    expect(y.data).toEqual(new Float32Array([2, 2, 2, 2]));
    // Asking for CUDA explicitly fails rather than silently running elsewhere.
    await expect(EngineSession.create(doublerModel(4), { device: 'cuda' })).rejects.toThrow('CUDA was requested but is not available here. CUDA:');
  });

  it('hosts several sessions on one worker, and fails them clearly when the worker is gone', async () => {
    const worker = SessionWorker.start();
    const a = await EngineSession.create(doublerModel(2), { device: 'cpu', worker });
    const b = await EngineSession.create(doublerModel(3), {
      device: 'cpu',
      worker,
      intraOpNumThreads: 1,
      enableMemPattern: false,
      enableCpuMemArena: false,
      extra: { session: { disable_prepacking: '1' } },
    });
    const [ya, yb] = await Promise.all([
      a.run({ x: { type: 'float32', data: new Float32Array([1, 2]), dims: [2] } }),
      b.run({ x: { type: 'float32', data: new Float32Array([3, 4, 5]), dims: [3] } }),
    ]);
    expect(ya.y.data).toEqual(new Float32Array([2, 4]));
    expect(yb.y.data).toEqual(new Float32Array([6, 8, 10]));
    await a.release();
    await worker.terminate();
    expect(worker.exited).toBe(true);
    await expect(b.run({ x: { type: 'float32', data: new Float32Array(3), dims: [3] } })).rejects.toThrow('the session worker exited (code 1)');
  });

  it('keeps the event loop responsive during a long run', async () => {
    // 48 MatMuls of 1024^3 (2.1 GFLOP each): about 1 s on one core of a recent x64 CPU.
    const n = 1024;
    const s = await open(matmulChainModel(n, 48), { intraOpNumThreads: 1 });
    const x = { type: 'float32' as const, data: new Float32Array(n * n).fill(1), dims: [n, n] };
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = performance.now();
    const { y } = await s.run({ x });
    const elapsed = performance.now() - started;
    clearInterval(timer);
    expect(y.data[0]).toBeCloseTo(1, 4);
    // The run must be long enough to mean something, and most 5 ms ticks must have fired.
    expect(elapsed).toBeGreaterThan(400);
    expect(ticks).toBeGreaterThan((elapsed / 5) * 0.5);
    console.info(`heavy run: ${elapsed.toFixed(0)} ms, ${ticks} timer ticks of ~${(elapsed / 5).toFixed(0)} possible`);
  });
});
