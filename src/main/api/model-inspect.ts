/** models.inspect: what the Model step shows about a folder before it is added to the library. */
import { realpath } from 'node:fs/promises';
import { loadHfModel } from '../engine/models/hf-model';
import { countHyperAdaptParameters, countLoraParameters, HYPERADAPT_TARGET_MODULES, LORA_COMPARISON_RANK, parseTargetModules } from '../engine/models/targets';
import { estimateTrainingMemory } from '../engine/train/memory-estimate';
import { TRAIN_DEFAULTS } from '../engine/train/train-options';
import { dominantDtype, parameterCount, planFiles } from '../store/model-import';
import { MissingPathError } from '../request-errors';
import type { ModelInspection } from './wizard-contract';

/** The trainer's defaults apply when unset (every linear targeted), so the first estimate matches an untouched run. */
export async function inspectModelFolder(
  folder: string,
  batch: number = TRAIN_DEFAULTS.batchSize,
  seqLen: number = TRAIN_DEFAULTS.maxLength,
  targetNames: readonly string[] = HYPERADAPT_TARGET_MODULES,
): Promise<ModelInspection> {
  const targets = parseTargetModules(targetNames); // an unknown name fails before the model is read
  let path: string;
  try {
    path = await realpath(folder);
  } catch {
    throw new MissingPathError(folder, 'folder');
  }
  const model = await loadHfModel(path); // its errors name the missing file or field
  const dtype = dominantDtype(model);
  const { files } = await planFiles(path);
  const memory = estimateTrainingMemory(model.spec, { batch, seqLen, storedDtype: dtype, targets });
  return {
    path,
    architecture: model.config.architecture,
    modelType: model.config.modelType,
    parameterCount: parameterCount(model),
    sizeBytes: files.reduce((sum, f) => sum + f.bytes, 0),
    dtype,
    layers: model.config.numLayers,
    hiddenSize: model.config.hiddenSize,
    contextLength: model.config.maxPositionEmbeddings,
    vocabSize: model.config.vocabSize,
    hyperAdaptParameters: countHyperAdaptParameters(model.spec, targets),
    loraParameters: countLoraParameters(model.spec, targets),
    loraRank: LORA_COMPARISON_RANK,
    targets: HYPERADAPT_TARGET_MODULES.map((module) => ({
      module,
      chosen: targets.includes(module),
      hyperAdaptParameters: countHyperAdaptParameters(model.spec, [module]),
      loraParameters: countLoraParameters(model.spec, [module]),
    })),
    memory: { batch, seqLen, totalBytes: memory.totalBytes, weightBytes: memory.weightBytes, activationBytes: memory.activationBytes },
  };
}
