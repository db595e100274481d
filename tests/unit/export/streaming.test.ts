/**
 * Merging streams: a ~190 MB model is merged in a child process whose heap is capped at 48 MB,
 * and after each tensor the memory still live (array buffers, where tensor data sits, after a
 * forced collection) stays near one tensor (the largest is 4 MB), never the model.
 */
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { freshDir } from '../models/helpers/tiny';
import { adaptedTinyModel } from './helpers/adapted-model';

const HELPER = join(import.meta.dirname, 'helpers', 'stream-merge.ts');
const TENSOR_BYTES = 2048 * 512 * 4;

describe('merged weights stream tensor by tensor', () => {
  it('merges a model more than three times the heap cap, holding about one tensor', async () => {
    const { adapterDir } = await adaptedTinyModel({ arch: 'llama', hidden: 512, intermediate: 2048, heads: 8, kvHeads: 4, layers: 12, seed: 1 });
    const out = join(await freshDir(), 'merged');
    await mkdir(out, { recursive: true });
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--max-old-space-size=48', '-r', 'tsx/cjs', HELPER, adapterDir, out]);
    const { bytes, peakBuffers, peakHeap } = JSON.parse(stdout) as { bytes: number; peakBuffers: number; peakHeap: number };
    console.log(`merged ${(bytes / 2 ** 20).toFixed(0)} MB under a 48 MB heap: at most ${(peakBuffers / 2 ** 20).toFixed(1)} MB of buffers live, heap +${(peakHeap / 2 ** 20).toFixed(1)} MB`);
    expect(bytes).toBeGreaterThan(3 * 48 * 2 ** 20);
    // The tensor just read, its merged copy, and I/O buffers: a few tensors' worth, against 182 MB.
    expect(peakBuffers).toBeLessThan(4 * TENSOR_BYTES);
  }, 120_000);
});
