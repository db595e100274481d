/**
 * The library as the API serves it: the open database and the process's RunManager, whose
 * progress goes out as events. One per process (the app, the web shell, the CLI).
 */
import type { ApiEventBus } from './events';
import type { Library } from '../store/library';
import { openLibrary } from '../store/open-library';
import { RunManager, type JobFactory } from '../store/run-manager';
import { readPreferences } from '../settings/preferences';
import { ExportService } from './export-service';
import { SpeedService } from './speed-service';
import { TryService } from './try-service';

export interface LibraryService {
  readonly library: Library;
  readonly runs: RunManager;
  /** "Try it" comparisons, with the generation sessions they keep open. */
  readonly tries: TryService;
  /** Exports started from the app, one at a time. */
  readonly exports: ExportService;
  /** Training speed measured before a run starts, one measurement at a time. */
  readonly speed: SpeedService;
  /** Runs found abandoned by a process that is gone when the library was opened, now 'interrupted'. */
  readonly interrupted: readonly number[];
  /** Stops training (with a checkpoint; the run becomes 'interrupted'), releases Try's sessions, cancels exports and closes the database. */
  close(): Promise<void>;
}

export function openLibraryService(dataDirectory: string, events: ApiEventBus, createJob?: JobFactory): LibraryService {
  const { library, interrupted } = openLibrary(dataDirectory);
  const speed = new SpeedService(library);
  const runs = new RunManager(
    library,
    {
      onStatus: (run) => {
        speed.onRunStatus(run); // a run about to train stops a measurement in progress
        events.emit('runs.status', run);
      },
      onStep: (step) => events.emit('runs.step', step),
      onValidation: (validation) => events.emit('runs.validation', validation),
    },
    createJob,
  );
  // The device and threads chosen in Settings, read at each open so a change applies to the next adapter opened.
  const tries = new TryService(library, events, readPreferences);
  const exports = new ExportService(library, events);
  return {
    library,
    runs,
    tries,
    exports,
    speed,
    interrupted,
    close: async () => {
      await Promise.all([runs.close(), tries.close(), exports.close(), speed.close()]);
      library.close();
    },
  };
}
