/** The shape of window.hyperadapt, shared by the preload script and the renderer. */
import type { CallResult, EventMessage } from '../main/api/contract';

/** What Browse… asks the native dialog for: a model folder or a data file. */
export type PickPathKind = 'folder' | 'file';

export interface PickPathRequest {
  kind: PickPathKind;
  /** Where the dialog opens: the path typed so far, if any. */
  near?: string;
}

export interface HyperAdaptBridge {
  call(method: string, input: unknown): Promise<CallResult<unknown>>;
  onEvent(listener: (message: EventMessage) => void): () => void;
  /**
   * Desktop extras, outside the API because a browser has no equivalent: the native open dialog
   * (the chosen path, or null when cancelled), and where a dropped File lies on disk (null when
   * it is not backed by a file).
   */
  pickPath(request: PickPathRequest): Promise<string | null>;
  pathForFile(file: File): string | null;
}

declare global {
  interface Window {
    hyperadapt?: HyperAdaptBridge;
  }
}
