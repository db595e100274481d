/**
 * Opening the library at start-up, in any process (the app, the web shell, the CLI): the
 * database with its migrations, then recovery. Runs whose process is gone become
 * 'interrupted', and what a dead process left half-imported is removed.
 */
import { Library, type LibraryFolder } from './library';
import { markInterrupted } from './runs';
import { sweepStagingFolders } from './staging';

export interface OpenedLibrary {
  library: Library;
  /** Runs found abandoned by a process that is gone, now 'interrupted'. */
  interrupted: number[];
}

const STAGED: readonly LibraryFolder[] = ['models', 'datasets', 'adapters'];

export function openLibrary(dataDirectory: string): OpenedLibrary {
  const library = Library.open(dataDirectory);
  try {
    const interrupted = markInterrupted(library);
    for (const folder of STAGED) sweepStagingFolders(library.folder(folder));
    return { library, interrupted };
  } catch (error) {
    library.close();
    throw error;
  }
}
