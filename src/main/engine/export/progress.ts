/** What an export reports while it runs, for the CLI's progress bar and the app's export screen. */

/** reference: the in-app adapted model runs the probes; then the export is written, verified, published. */
export type ExportPhase = 'reference' | 'write' | 'verify' | 'publish';

export interface ExportProgress {
  readonly phase: ExportPhase;
  /** Units done and in all: probes for the reference, bytes while writing, probe positions while verifying. */
  readonly done: number;
  readonly total: number;
  /** What is being worked on, e.g. a tensor name or a probe prompt. */
  readonly item: string;
}

export type ProgressListener = (progress: ExportProgress) => void;

/** Options every exporter takes. */
export interface ExportControl {
  /** Cancels the export; nothing is left at the target. */
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressListener;
}
