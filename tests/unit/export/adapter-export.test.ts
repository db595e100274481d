/**
 * Adapter-only export: the two adapter files byte for byte, a model card naming the base model,
 * data, training configuration and metrics, and a copy that loads back onto the base model and
 * reproduces the in-app adapted model exactly. Lineage is checked before anything is written.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportAdapter } from '../../../src/main/engine/export/adapter-export';
import { openExportSource } from '../../../src/main/engine/export/export-source';
import { referenceProbes } from '../../../src/main/engine/export/reference';
import { readSafetensorsHeader } from '../../../src/main/engine/onnx/safetensors';
import { freshDir } from '../models/helpers/tiny';
import { adaptedTinyModel } from './helpers/adapted-model';

describe('adapter export', () => {
  it('copies the adapter, writes a model card and reproduces the adapted model exactly', async () => {
    const { modelDir, adapterDir } = await adaptedTinyModel({ arch: 'qwen2', seed: 8 }, ['q_proj', 'v_proj', 'down_proj']);
    const source = await openExportSource(adapterDir);
    const out = join(await freshDir(), 'my-adapter');
    const result = await exportAdapter(source, await referenceProbes(source), out);

    expect((await readdir(out)).sort()).toEqual(['README.md', 'adapter_config.json', 'adapter_model.safetensors']);
    for (const name of ['adapter_config.json', 'adapter_model.safetensors']) {
      expect(Buffer.compare(await readFile(join(out, name)), await readFile(join(adapterDir, name)))).toBe(0);
    }
    const header = await readSafetensorsHeader(join(out, 'adapter_model.safetensors'));
    expect(header.tensors.map((t) => t.name)).toContain('model.layers.1.mlp.down_proj.hyperadapt_b');
    expect(header.tensors.every((t) => t.dtype === 'F32')).toBe(true);

    const card = await readFile(join(out, 'README.md'), 'utf8');
    expect(card).toMatch(/^# my-adapter\n/);
    expect(card).toContain('Architecture: Qwen2ForCausalLM');
    expect(card).toContain(modelDir);
    expect(card).toContain('Target modules: q_proj, v_proj, down_proj');
    expect(card).toContain('learning_rate: 0.1');
    expect(card).toContain('Training data: not recorded');
    expect(card).toContain('val_loss: 1.75');
    expect(card).toContain('a[:, None] * w.float() * b[None, :]');

    const { agreement } = result.verification;
    expect(result.verification.passed).toBe(true);
    expect(agreement.maxAbsDiff).toBe(0);
    expect(agreement.top1Agreement).toBe(1);
  });

  it('refuses an adapter whose base model changed, before any export starts', async () => {
    const { modelDir, adapterDir } = await adaptedTinyModel({ arch: 'llama', seed: 9 });
    const config = JSON.parse(await readFile(join(modelDir, 'config.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(modelDir, 'config.json'), JSON.stringify({ ...config, rms_norm_eps: 1e-5 }));
    await expect(openExportSource(adapterDir)).rejects.toThrow(/config.json differs/);
  });
});
