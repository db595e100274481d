/** The shape of window.hyperadapt, shared by the preload script and the renderer. */
import type { CallResult, EventMessage } from '../main/api/contract';

export interface HyperAdaptBridge {
  call(method: string, input: unknown): Promise<CallResult<unknown>>;
  onEvent(listener: (message: EventMessage) => void): () => void;
}

declare global {
  interface Window {
    hyperadapt?: HyperAdaptBridge;
  }
}
