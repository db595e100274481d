/**
 * One export, any format: opens the adapter and its base model (lineage checked), runs the in-app
 * adapted model on the probes once, then writes, verifies and publishes the chosen format.
 * A failed verification throws ExportVerificationError and leaves nothing at the target.
 */
import { exportAdapter } from './adapter-export';
import { openExportSource } from './export-source';
import { exportGguf } from './gguf/gguf-export';
import type { GgufDtype } from './gguf/tensor-plan';
import { exportMergedSafetensors } from './merged-safetensors';
import { exportOnnx } from './onnx/onnx-export';
import type { ExportControl } from './progress';
import { referenceProbes } from './reference';
import type { Verification } from './verification';

export const EXPORT_FORMATS = ['safetensors', 'gguf', 'onnx', 'adapter'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportRequest extends ExportControl {
  readonly adapterDir: string;
  /** Overrides the base model path recorded in adapter_config.json. */
  readonly modelDir?: string;
  readonly format: ExportFormat;
  /** GGUF only (default f16); the other formats keep the base model's dtype. */
  readonly dtype?: GgufDtype;
  readonly out: string;
}

export interface ExportOutcome {
  readonly format: ExportFormat;
  /** The stored type of the weights: the GGUF type, or the base model's dtype. */
  readonly dtype: string;
  readonly path: string;
  readonly bytes: number;
  readonly verification: Verification;
}

export async function runExport(request: ExportRequest): Promise<ExportOutcome> {
  if (request.dtype !== undefined && request.format !== 'gguf') {
    throw new Error(`--dtype applies to GGUF only; ${request.format} exports keep the base model's dtype`);
  }
  const source = await openExportSource(request.adapterDir, request.modelDir);
  request.onProgress?.({ phase: 'reference', done: 0, total: 1, item: 'the in-app adapted model on the probe prompts' });
  const probes = await referenceProbes(source);
  const control: ExportControl = { ...(request.signal && { signal: request.signal }), ...(request.onProgress && { onProgress: request.onProgress }) };
  const baseDtype = source.model.weights.tensors.get(source.model.spec.embedTokens)!.info.dtype;
  switch (request.format) {
    case 'safetensors': {
      const r = await exportMergedSafetensors(source, probes, request.out, control);
      return { format: 'safetensors', dtype: r.dtype, path: r.path, bytes: r.bytes, verification: r.verification };
    }
    case 'gguf': {
      const r = await exportGguf(source, probes, request.out, request.dtype ?? 'f16', control);
      return { format: 'gguf', dtype: r.dtype, path: r.path, bytes: r.bytes, verification: r.verification };
    }
    case 'onnx': {
      const r = await exportOnnx(source, probes, request.out, control);
      return { format: 'onnx', dtype: baseDtype, path: r.path, bytes: r.bytes, verification: r.verification };
    }
    case 'adapter': {
      const r = await exportAdapter(source, probes, request.out, control);
      return { format: 'adapter', dtype: 'F32', path: r.path, bytes: r.bytes, verification: r.verification };
    }
  }
}
