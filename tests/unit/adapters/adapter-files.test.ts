import { appendFile, cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADAPTER_CONFIG_FILE,
  baseModelRecord,
  loadAdapter,
  readAdapterConfig,
  saveAdapter,
  type AdapterConfig,
} from '../../../src/main/engine/adapters/adapter-files';
import { adapterLayout } from '../../../src/main/engine/models/adapter-layout';
import { loadHfModel, type HfModel } from '../../../src/main/engine/models/hf-model';
import { computeModelIdentity, type ModelIdentity } from '../../../src/main/engine/models/identity';
import { generateTinyModel } from '../../../src/main/engine/models/tiny-model';
import { readSafetensorsHeader } from '../../../src/main/engine/onnx/safetensors';
import { Random } from '../../../src/main/engine/random';

let dir: string;
let model: HfModel;
let identity: ModelIdentity;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hyperadapt-adapter-'));
  await generateTinyModel({ out: join(dir, 'base'), arch: 'llama', hidden: 32, layers: 2 });
  model = await loadHfModel(join(dir, 'base'));
  identity = await computeModelIdentity(model.dir, model.config, model.weights);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function configFor(targets: string[], trainable: number): AdapterConfig {
  return {
    method: 'hyperadapt',
    format_version: 1,
    target_modules: targets,
    trainable_parameters: trainable,
    base_model: baseModelRecord(identity, model.dir),
    training: { lr: 0.1 },
    metrics: { loss: 1.5 },
    created_at: new Date(0).toISOString(),
  };
}

describe('adapter files', () => {
  it('round-trips the vector through named float32 tensors', async () => {
    const layout = adapterLayout(model.spec, ['q_proj', 'down_proj']);
    const random = new Random(1);
    const vector = Float32Array.from({ length: layout.size }, () => 1 + 0.1 * random.normal());
    const out = join(dir, 'adapter');
    await saveAdapter(out, layout, vector, configFor(['q_proj', 'down_proj'], layout.size));

    const header = await readSafetensorsHeader(join(out, 'adapter_model.safetensors'));
    expect(header.tensors.map((t) => t.name)).toContain('model.layers.0.self_attn.q_proj.hyperadapt_a');
    expect(header.tensors.every((t) => t.dtype === 'F32')).toBe(true);
    const down = header.tensors.find((t) => t.name === 'model.layers.1.mlp.down_proj.hyperadapt_b')!;
    expect(down.shape).toEqual([model.config.intermediateSize]);

    const loaded = await loadAdapter(out, model.spec, identity, model.dir);
    expect(Array.from(loaded.vector)).toEqual(Array.from(vector));
    expect(loaded.layout.targets).toEqual(['q_proj', 'down_proj']);
  });

  it('refuses an adapter on a different base model, naming both', async () => {
    const layout = adapterLayout(model.spec);
    const out = join(dir, 'adapter-all');
    await saveAdapter(out, layout, new Float32Array(layout.size).fill(1), configFor([...layout.targets], layout.size));
    const other = join(dir, 'other');
    await cp(model.dir, other, { recursive: true });
    await appendFile(join(other, 'config.json'), '\n');
    const otherModel = await loadHfModel(other);
    const otherIdentity = await computeModelIdentity(other, otherModel.config, otherModel.weights);
    await expect(loadAdapter(out, otherModel.spec, otherIdentity, other)).rejects.toThrow(
      new RegExp(`trained on the base model at ${model.dir}.*not on ${other}: config.json differs`),
    );
  });

  it('explains a broken adapter config', async () => {
    const out = join(dir, 'broken');
    await saveAdapter(out, adapterLayout(model.spec), new Float32Array(adapterLayout(model.spec).size), configFor(['q_proj'], 0));
    await writeFile(join(out, ADAPTER_CONFIG_FILE), '{"method": "lora"}');
    await expect(readAdapterConfig(out)).rejects.toThrow(/"method" is "lora", expected "hyperadapt"/);
  });

  it('refuses tensors that do not fit the recorded targets', async () => {
    const out = join(dir, 'mismatch');
    const layout = adapterLayout(model.spec, ['q_proj']);
    await saveAdapter(out, layout, new Float32Array(layout.size).fill(1), configFor(['q_proj', 'k_proj'], layout.size));
    await expect(loadAdapter(out, model.spec, identity, model.dir)).rejects.toThrow(/k_proj.hyperadapt_a is missing/);
  });
});
