/** A tiny model with a saved adapter whose vectors are far from 1, as every export test starts. */
import { join } from 'node:path';
import { baseModelRecord, saveAdapter } from '../../../../src/main/engine/adapters/adapter-files';
import { adapterLayout } from '../../../../src/main/engine/models/adapter-layout';
import { loadHfModel } from '../../../../src/main/engine/models/hf-model';
import { computeModelIdentity } from '../../../../src/main/engine/models/identity';
import type { LinearModule } from '../../../../src/main/engine/models/spec';
import type { TinyModelOptions } from '../../../../src/main/engine/models/tiny-model';
import { Random } from '../../../../src/main/engine/random';
import { freshDir, tinyModel } from '../../models/helpers/tiny';

export interface AdaptedModel {
  readonly modelDir: string;
  readonly adapterDir: string;
}

export async function adaptedTinyModel(options: Omit<TinyModelOptions, 'out'>, targets: LinearModule[] = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj']): Promise<AdaptedModel> {
  // initStd 0.1 gives logits with clear winners, so top-1 is a meaningful check.
  const modelDir = await tinyModel({ initStd: 0.1, hidden: 32, ...options });
  const model = await loadHfModel(modelDir);
  const layout = adapterLayout(model.spec, targets);
  const random = new Random(options.seed ?? 0);
  const vector = new Float32Array(layout.size).map(() => 1 + 0.3 * random.normal());
  const identity = await computeModelIdentity(model.dir, model.config, model.weights);
  const adapterDir = join(await freshDir(), 'adapter');
  await saveAdapter(adapterDir, layout, vector, {
    method: 'hyperadapt',
    format_version: 1,
    target_modules: targets,
    trainable_parameters: layout.size,
    base_model: baseModelRecord(identity, model.dir),
    training: { learning_rate: 0.1, epochs: 1, dataset: 'tiny corpus' },
    metrics: { loss: 1.5, val_loss: 1.75 },
    created_at: new Date(0).toISOString(),
  });
  return { modelDir, adapterDir };
}
