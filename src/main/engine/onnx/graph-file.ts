/**
 * Graph files inside a model folder. Graphs whose weights are external data must sit beside the
 * .safetensors files they point into (onnxruntime resolves external data relative to the .onnx
 * and refuses paths leading out of its folder), so they are written there: atomically, under a
 * name that hashes the bytes, so equal graphs share a file and a changed graph gets a new one.
 */
import { createHash } from 'node:crypto';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../fs/atomic-write';

/** `.hyperadapt-<label>-<first 16 hex digits of sha256(bytes)>.onnx` */
export function graphFileName(label: string, bytes: Uint8Array): string {
  return `.hyperadapt-${label}-${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}.onnx`;
}

/** Writes `bytes` to `dir/fileName` unless that file exists (the name hashes the bytes); returns the path. */
export async function writeGraphFile(dir: string, fileName: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, fileName);
  const exists = await access(path).then(
    () => true,
    () => false,
  );
  if (!exists) await writeFileAtomic(path, bytes);
  return path;
}
