/**
 * Merged Hugging Face export on tiny models of every architecture: the files mirror the base
 * model's (names, dtypes, sharding), adapted weights equal a[i]·W[i, j]·b[j] when read back with
 * our safetensors reader, and the folder loaded back by the engine reproduces the in-app adapted
 * model's logits. Cancelling or failing leaves nothing at the target.
 */
import { access, readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openExportSource } from '../../../src/main/engine/export/export-source';
import { exportMergedSafetensors, MERGED_TOLERANCES } from '../../../src/main/engine/export/merged-safetensors';
import { referenceProbes } from '../../../src/main/engine/export/reference';
import { ExportVerificationError } from '../../../src/main/engine/export/verification';
import { readSafetensorsHeader, readTensorFloat32 } from '../../../src/main/engine/onnx/safetensors';
import type { TinyArch, TinyDtype } from '../../../src/main/engine/models/tiny-model';
import { freshDir } from '../models/helpers/tiny';
import { adaptedTinyModel } from './helpers/adapted-model';

const CASES: { arch: TinyArch; dtype: TinyDtype; shards: number; tie?: boolean }[] = [
  { arch: 'llama', dtype: 'F32', shards: 1 },
  { arch: 'mistral', dtype: 'F32', shards: 2 },
  { arch: 'qwen2', dtype: 'F32', shards: 1, tie: true },
  { arch: 'qwen3', dtype: 'F32', shards: 1 },
  { arch: 'llama', dtype: 'F16', shards: 3 },
  { arch: 'qwen2', dtype: 'BF16', shards: 1 },
];

describe('merged safetensors export', () => {
  it.each(CASES)('$arch $dtype in $shards file(s): same layout, exact merge, same logits', async ({ arch, dtype, shards, tie }) => {
    const { modelDir, adapterDir } = await adaptedTinyModel({ arch, dtype, shards, tie, seed: 3 });
    const source = await openExportSource(adapterDir);
    const out = join(await freshDir(), 'merged');
    const result = await exportMergedSafetensors(source, await referenceProbes(source), out);

    const baseFiles = (await readdir(modelDir)).filter((n) => !n.startsWith('.')).sort();
    expect((await readdir(out)).sort()).toEqual(baseFiles);
    expect(await readdir(dirname(out))).toEqual(['merged']);

    // Independent of the exporter: our reader on both files, the merge recomputed here in float64.
    const slot = source.adapter.layout.slots.find((s) => s.module === 'down_proj')!;
    const name = `${slot.path}.weight`;
    const file = source.model.weights.tensors.get(name)!.file;
    const baseHeader = await readSafetensorsHeader(join(modelDir, file));
    const mergedHeader = await readSafetensorsHeader(join(out, file));
    expect(mergedHeader.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual(baseHeader.tensors.map((t) => [t.name, t.dtype, t.shape]));
    const w = await readTensorFloat32(baseHeader, name);
    const merged = await readTensorFloat32(mergedHeader, name);
    const v = source.adapter.vector;
    const ulp = { F32: 2 ** -23, F16: 2 ** -11, BF16: 2 ** -8 }[dtype];
    for (let i = 0; i < slot.out; i++) {
      for (let j = 0; j < slot.in; j++) {
        const exact = v[slot.aOffset + i] * w[i * slot.in + j] * v[slot.bOffset + j];
        expect(Math.abs(merged[i * slot.in + j] - exact)).toBeLessThanOrEqual(2 * ulp * Math.abs(exact) + 1e-30);
      }
    }
    const embed = 'model.embed_tokens.weight';
    const embedFile = source.model.weights.tensors.get(embed)!.file;
    expect(await readTensorFloat32(await readSafetensorsHeader(join(out, embedFile)), embed)).toEqual(
      await readTensorFloat32(await readSafetensorsHeader(join(modelDir, embedFile)), embed),
    );
    expect(await readFile(join(out, 'config.json'), 'utf8')).toBe(await readFile(join(modelDir, 'config.json'), 'utf8'));

    const { agreement } = result.verification;
    console.log(`merged ${arch} ${dtype}: max abs ${agreement.maxAbsDiff.toExponential(2)}, max rel ${agreement.maxRelDiff.toExponential(2)}, top-1 ${agreement.top1Agreement} over ${agreement.positions} positions`);
    expect(result.verification.passed).toBe(true);
    expect(agreement.positions).toBeGreaterThanOrEqual(20);
    expect(agreement.maxRelDiff).toBeLessThanOrEqual(MERGED_TOLERANCES[dtype].maxRelDiff!);
  });

  it('leaves nothing at the target when cancelled, and refuses an existing target', async () => {
    const { adapterDir } = await adaptedTinyModel({ arch: 'llama', seed: 5 });
    const source = await openExportSource(adapterDir);
    const probes = await referenceProbes(source);
    const out = join(await freshDir(), 'merged');
    const controller = new AbortController();
    const run = exportMergedSafetensors(source, probes, out, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'write' && p.done > p.total / 2) controller.abort();
      },
    });
    await expect(run).rejects.toThrow();
    await expect(access(out)).rejects.toThrow();
    expect(await readdir(dirname(out))).toEqual([]);

    await exportMergedSafetensors(source, probes, out);
    await expect(exportMergedSafetensors(source, probes, out)).rejects.toThrow(/already exists/);
  });

  it('publishes nothing when the export does not reproduce the reference', async () => {
    const { adapterDir } = await adaptedTinyModel({ arch: 'qwen2', seed: 6 });
    const source = await openExportSource(adapterDir);
    // A reference that disagrees with any faithful export, as a broken merge would.
    const probes = (await referenceProbes(source)).map((p) => ({ ...p, logits: p.logits.map((l) => l.map((x, i) => (i === 7 ? x + 1 : x))) }));
    const out = join(await freshDir(), 'merged');
    const failure = await exportMergedSafetensors(source, probes, out).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ExportVerificationError);
    expect((failure as ExportVerificationError).verification.agreement.maxAbsDiff).toBeCloseTo(1, 4);
    await expect(access(out)).rejects.toThrow();
    expect(await readdir(dirname(out))).toEqual([]);
  });
});
