import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricsOf } from '../../../src/main/store/metrics';
import { createRun } from '../../../src/main/store/runs';
import { completeSettings } from '../../../src/main/store/run-options';
import { scratchLibrary } from './helpers/fixtures';

const WRITER = join(import.meta.dirname, 'helpers', 'write-metrics.ts');
const TSX = createRequire(import.meta.url).resolve('tsx/cjs');
const COUNT = 400;

function writer(dataDirectory: string, runId: number, split: string, startAt: number): Promise<{ first: number; last: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', TSX, WRITER, dataDirectory, String(runId), split, String(COUNT), String(startAt)]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(stdout) as { first: number; last: number }) : reject(new Error(`writer exited ${code}: ${stderr}`))));
  });
}

describe('two processes writing metrics at once', () => {
  it('lose no row and leave a sound database', async () => {
    const library = await scratchLibrary();
    library.db.prepare(
      `INSERT INTO models (name, path, source_path, architecture, parameter_count, hyperadapt_parameter_count, dtype, config_sha256, weight_files, identity_sha256, size_bytes, linked, added_at)
       VALUES ('m', 'models/m', '/m', 'LlamaForCausalLM', 1, 1, 'F32', 'c', '[]', 'i', 1, 1, 'now')`,
    ).run();
    library.db.prepare(`INSERT INTO datasets (name, path, source_path, content_sha256, format, rows, size_bytes, added_at) VALUES ('d', 'd', '/d', 'h', 'jsonl', 1, 1, 'now')`).run();
    const run = createRun(library, { name: 'shared', modelId: 1, datasetId: 1, settings: completeSettings({}) });

    // Both write the same run (and update its row) while this process holds the library open too.
    const startAt = Date.now() + 2500; // both children loaded and waiting by then
    const [train, validation] = await Promise.all([writer(library.dataDirectory, run.id, 'train', startAt), writer(library.dataDirectory, run.id, 'validation', startAt)]);
    expect(train.first).toBeLessThan(validation.last); // the two really wrote at the same time
    expect(validation.first).toBeLessThan(train.last);

    const points = metricsOf(library, run.id);
    expect(points).toHaveLength(2 * COUNT);
    for (const split of ['train', 'validation']) {
      const steps = points.filter((p) => p.split === split).map((p) => p.step);
      expect(steps).toEqual(Array.from({ length: COUNT }, (_, i) => i + 1));
    }
    expect(points.every((p) => p.loss === p.step / 1000)).toBe(true);
    expect(library.db.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
  });
});
