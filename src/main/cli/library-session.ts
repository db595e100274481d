/**
 * A CLI command's access to the library: the same API context the app uses, opened on the data
 * folder for the duration of the command, then closed (a run still training stops after its
 * step with a checkpoint).
 */
import type { ApiContext } from '../api/context';
import { ApiEventBus } from '../api/events';
import { openLibraryService } from '../api/library-service';
import { dataDirectory } from '../data-directory';

export async function withLibrary<T>(work: (context: ApiContext) => Promise<T>): Promise<T> {
  const events = new ApiEventBus();
  const context: ApiContext = { events, library: openLibraryService(dataDirectory(), events) };
  try {
    return await work(context);
  } finally {
    await context.library.close();
  }
}

/** "12" names a library entry by id; anything else is a path to add. */
export function asId(value: string): number | null {
  return /^\d+$/.test(value) ? Number(value) : null;
}
