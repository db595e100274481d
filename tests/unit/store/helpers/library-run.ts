/** A library holding one tiny model and one data file, ready to train runs of a few steps. */
import { addDataset } from '../../../../src/main/store/dataset-import';
import type { Library } from '../../../../src/main/store/library';
import { addModel } from '../../../../src/main/store/model-import';
import type { RunSettings } from '../../../../src/main/store/records';
import { scratchLibrary, tinyDataFile, tinyModelFolder } from './fixtures';

export interface TrainableLibrary {
  library: Library;
  modelId: number;
  datasetId: number;
}

/** Settings that train the tiny model in about a second, one thread so parallel test files do not fight. */
export const QUICK: Partial<RunSettings> = { steps: 8, batchSize: 4, maxLength: 16, evalEvery: 4, saveEvery: 2, keepCheckpoints: 2, threads: 1, seed: 7 };

export async function trainableLibrary(): Promise<TrainableLibrary> {
  const library = await scratchLibrary();
  const { model } = await addModel(library, await tinyModelFolder({ arch: 'qwen3', seed: 9 }));
  const { dataset } = await addDataset(library, await tinyDataFile(40));
  return { library, modelId: model.id, datasetId: dataset.id };
}
