/**
 * Child process for the streaming test: merges an adapter into its base model's weights under a
 * capped heap, forcing a collection before each sample, and prints the peak live memory as JSON.
 * Usage: node --expose-gc --max-old-space-size=N -r tsx/cjs stream-merge.ts ADAPTER_DIR OUT_DIR
 */
import { openExportSource } from '../../../../src/main/engine/export/export-source';
import { writeMergedWeights } from '../../../../src/main/engine/export/merged-weights';

async function main(): Promise<void> {
  const [adapterDir, out] = process.argv.slice(2);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!adapterDir || !out || !gc) throw new Error('usage: node --expose-gc -r tsx/cjs stream-merge.ts ADAPTER_DIR OUT_DIR');
  const source = await openExportSource(adapterDir);
  gc();
  const base = process.memoryUsage();
  let peakBuffers = 0;
  let peakHeap = 0;
  const bytes = await writeMergedWeights(source.model.weights, source.adapter.layout, source.adapter.vector, out, {
    onProgress: () => {
      // Before collecting: what is live now is the tensor just written and what the writer keeps.
      const now = process.memoryUsage();
      peakHeap = Math.max(peakHeap, now.heapUsed - base.heapUsed);
      gc();
      peakBuffers = Math.max(peakBuffers, process.memoryUsage().arrayBuffers - base.arrayBuffers);
    },
  });
  process.stdout.write(JSON.stringify({ bytes, peakBuffers, peakHeap }) + '\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
