/** The library's API methods: thin calls into src/main/store/, shared by the app, the web shell and the CLI. */
import { deleteAdapter, getAdapter, listAdapters } from '../store/adapters';
import { checkpointsOf } from '../store/checkpoints';
import { addDataset } from '../store/dataset-import';
import { deleteDataset, getDataset, listDatasets } from '../store/datasets';
import { deleteExport, listExports } from '../store/exports';
import { annotateEntry, renameEntry, tagEntry } from '../store/labels';
import { checkLineage } from '../store/lineage';
import { metricsOf } from '../store/metrics';
import { addModel } from '../store/model-import';
import { deleteModel, getModel, listModels } from '../store/models';
import { compareRuns } from '../store/run-comparison';
import { deleteRun } from '../store/run-deletion';
import { getRun, listRuns, markInterrupted } from '../store/runs';
import { readPreferences, runDefaults } from '../settings/preferences';
import { chooseDataDirectory, dataDirectoryState, type DataDirectoryState } from '../settings/data-directory-setting';
import type { ApiContext, Handler } from './context';
import type { DataDirectorySetting, libraryMethods } from './library-contract';

type LibraryHandlers = { [M in keyof typeof libraryMethods]: Handler<M> };

function dataDirectorySetting(state: DataDirectoryState, context: ApiContext): DataDirectorySetting {
  const inUse = context.library.library.dataDirectory;
  return { inUse, next: state.path, source: state.source, chosen: state.chosen, default: state.default, environmentOverride: state.environmentOverride, restartRequired: state.path !== inUse };
}

export const libraryHandlers: LibraryHandlers = {
  'models.list': async (_input, { library }) => listModels(library.library),
  'models.get': async ({ id }, { library }) => getModel(library.library, id),
  'models.add': ({ path, name, copy }, { library, events }) =>
    addModel(library.library, path, {
      ...(name === undefined ? {} : { name }),
      allowLinks: !copy,
      onProgress: (progress) => events.emit('models.addProgress', { source: path, ...progress }),
    }),
  'models.rename': async ({ id, name }, { library }) => {
    renameEntry(library.library, 'model', id, name);
    return getModel(library.library, id);
  },
  'models.tag': async ({ id, tags }, { library }) => {
    tagEntry(library.library, 'model', id, tags);
    return getModel(library.library, id);
  },
  'models.delete': async ({ id }, { library }) => {
    await deleteModel(library.library, id);
    return { id };
  },

  'datasets.list': async (_input, { library }) => listDatasets(library.library),
  'datasets.get': async ({ id }, { library }) => getDataset(library.library, id),
  'datasets.add': ({ path, name, readOptions }, { library }) =>
    addDataset(library.library, path, { ...(name === undefined ? {} : { name }), ...(readOptions === undefined ? {} : { readOptions }) }),
  'datasets.rename': async ({ id, name }, { library }) => {
    renameEntry(library.library, 'dataset', id, name);
    return getDataset(library.library, id);
  },
  'datasets.tag': async ({ id, tags }, { library }) => {
    tagEntry(library.library, 'dataset', id, tags);
    return getDataset(library.library, id);
  },
  'datasets.delete': async ({ id }, { library }) => {
    await deleteDataset(library.library, id);
    return { id };
  },

  // A process that died while training (a CLI run killed, say) shows as 'interrupted' at the next look, not only at the next start.
  'runs.list': async (filter, { library }) => {
    markInterrupted(library.library);
    return listRuns(library.library, filter);
  },
  'runs.get': async ({ id }, { library }) => {
    markInterrupted(library.library);
    const run = getRun(library.library, id);
    return {
      run,
      model: getModel(library.library, run.modelId),
      dataset: getDataset(library.library, run.datasetId),
      checkpoints: checkpointsOf(library.library, id),
      adapter: listAdapters(library.library, { runId: id })[0] ?? null,
    };
  },
  'runs.metrics': async ({ id, afterStep }, { library }) => {
    getRun(library.library, id); // a missing run is an error, not an empty chart
    return metricsOf(library.library, id, afterStep);
  },
  'runs.compare': async ({ ids }, { library }) => compareRuns(library.library, ids),
  // The device and threads chosen in Settings fill in what the run's own settings leave unset.
  'runs.start': async ({ modelId, datasetId, name, settings }, { library }) =>
    library.runs.start({ modelId, datasetId, ...(name === undefined ? {} : { name }), settings: { ...runDefaults(readPreferences()), ...settings } }),
  'runs.pause': async ({ id }, { library }) => library.runs.pause(id),
  'runs.resume': ({ id, fromStart }, { library }) => library.runs.resume(id, { fromStart: fromStart ?? false }),
  'runs.cancel': async ({ id }, { library }) => library.runs.cancel(id),
  'runs.rename': async ({ id, name }, { library }) => {
    renameEntry(library.library, 'run', id, name);
    return getRun(library.library, id);
  },
  'runs.tag': async ({ id, tags }, { library }) => {
    tagEntry(library.library, 'run', id, tags);
    return getRun(library.library, id);
  },
  'runs.annotate': async ({ id, notes }, { library }) => {
    annotateEntry(library.library, 'run', id, notes);
    return getRun(library.library, id);
  },
  'runs.delete': async ({ id }, { library }) => {
    await deleteRun(library.library, id);
    return { id };
  },

  'adapters.list': async (filter, { library }) => listAdapters(library.library, filter),
  'adapters.get': async ({ id }, { library }) => getAdapter(library.library, id),
  'adapters.rename': async ({ id, name }, { library }) => {
    renameEntry(library.library, 'adapter', id, name);
    return getAdapter(library.library, id);
  },
  'adapters.tag': async ({ id, tags }, { library }) => {
    tagEntry(library.library, 'adapter', id, tags);
    return getAdapter(library.library, id);
  },
  'adapters.annotate': async ({ id, notes }, { library }) => {
    annotateEntry(library.library, 'adapter', id, notes);
    return getAdapter(library.library, id);
  },
  'adapters.delete': async ({ id }, { library }) => {
    await deleteAdapter(library.library, id);
    return { id };
  },
  'adapters.checkLineage': async ({ adapterId, modelId }, { library }) => {
    const error = checkLineage(library.library, adapterId, modelId);
    return error ? { fits: false, message: error.message, differences: [...error.differences] } : { fits: true };
  },

  'exports.list': async (filter, { library }) => listExports(library.library, filter),
  'exports.delete': async ({ id }, { library }) => {
    await deleteExport(library.library, id);
    return { id };
  },

  'settings.dataDirectory': async (_input, context) => dataDirectorySetting(dataDirectoryState(), context),
  'settings.setDataDirectory': async ({ path }, context) => dataDirectorySetting(await chooseDataDirectory(path), context),
};
