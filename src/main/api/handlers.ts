/** The implementation of every method in the contract. The type below makes a missing one a compile error. */
import type { MethodName } from './contract';
import type { ApiContext, Handler } from './context';
import { checkDataFile } from './dataset-check';
import { listFolders } from './folders';
import { libraryHandlers } from './library-handlers';
import { inspectModelFolder } from './model-inspect';
import { trainHandlers } from './train-handlers';
import { changePreferences, readPreferences } from '../settings/preferences';
import { getSystemInfo } from '../system/system-info';
import { StarterKitFiles } from '../starter/starter-kit';

export type { ApiContext } from './context';

export type Handlers = {
  [M in MethodName]: Handler<M>;
};

export const handlers: Handlers = {
  'system.info': (_input, context: ApiContext) => getSystemInfo(context.library.library.dataDirectory),
  ...libraryHandlers,
  ...trainHandlers,
  'folders.list': ({ path, dataFiles }) => listFolders(path, dataFiles),
  'models.inspect': ({ path, batch, seqLen, targets }) => inspectModelFolder(path, batch, seqLen, targets),
  'datasets.check': (request, { library }) => checkDataFile(request, library.library),
  'settings.preferences': async () => readPreferences(),
  'settings.setPreferences': (change) => changePreferences(change),
  'try.compare': (request, { library }) => library.tries.compare(request),
  'try.validation': (request, { library }) => library.tries.validation(request),
  'try.cancel': async ({ requestId }, { library }) => ({ cancelled: library.tries.cancel(requestId) }),
  'try.savedValidation': async ({ adapterId }, { library }) => ({ saved: await library.tries.savedValidation(adapterId) }),
  'exports.start': async (request, { library }) => library.exports.start(request),
  'exports.cancel': async ({ jobId }, { library }) => ({ cancelled: library.exports.cancel(jobId) }),
  'starter.status': async (_input, { library }) => new StarterKitFiles(library.library.dataDirectory).status(),
  'starter.prepare': (_input, { library }) => new StarterKitFiles(library.library.dataDirectory).prepare(),
};
