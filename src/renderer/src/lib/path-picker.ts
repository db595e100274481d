/**
 * Browse… on the Model and Data steps: the system's own dialog inside Electron, the server-side
 * folder browser in the web shell (a browser cannot open a native dialog that yields a path).
 */
import type { PickPathKind } from '../../../preload/bridge';
import type { DesktopExtras } from './desktop-bridge';

export interface BrowseHandlers {
  /** A path was chosen: use it exactly as a typed one. */
  choose(path: string): void;
  /** No native dialog here: open the server-side browser instead. */
  browse(): void | Promise<void>;
  /** The dialog could not open. */
  fail(message: string): void;
}

export async function browseFor(kind: PickPathKind, typed: string, handlers: BrowseHandlers, desktop: DesktopExtras | null): Promise<void> {
  if (desktop === null) return handlers.browse();
  const near = typed.trim();
  try {
    const path = await desktop.pickPath(near === '' ? { kind } : { kind, near });
    // null: the user cancelled, and the typed path stays as it was.
    if (path !== null) handlers.choose(path);
  } catch (error) {
    handlers.fail(`The ${kind === 'folder' ? 'folder' : 'file'} dialog did not open: ${error instanceof Error ? error.message : String(error)}`);
  }
}
