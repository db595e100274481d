import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { metricsOf } from '../../../src/main/store/metrics';
import { createRun } from '../../../src/main/store/runs';
import { completeSettings } from '../../../src/main/store/run-options';
import { scratchLibrary } from './helpers/fixtures';

const WRITER = join(import.meta.dirname, 'helpers', 'write-metrics.ts');
const TSX = createRequire(import.meta.url).resolve('tsx/cjs');
const COUNT = 300;

interface Writer {
  ready: Promise<void>;
  go(): void;
  done: Promise<{ first: number; last: number }>;
}

/** A writer child: `ready` once its library is open, writing once told to `go`. */
function writer(dataDirectory: string, runId: number, split: string): Writer {
  const child = spawn(process.execPath, ['--require', TSX, WRITER, dataDirectory, String(runId), split, String(COUNT)]);
  const lines: string[] = [];
  let stderr = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    if (line === 'ready') markReady();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ first: number; last: number }>((resolve, reject) =>
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(lines.at(-1)!) as { first: number; last: number }) : reject(new Error(`writer exited ${code}: ${stderr}`)))),
  );
  return { ready, go: () => child.stdin.end('go\n'), done };
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
    const writers = [writer(library.dataDirectory, run.id, 'train'), writer(library.dataDirectory, run.id, 'validation')];
    await Promise.all(writers.map((w) => w.ready));
    for (const w of writers) w.go();
    const [train, validation] = (await Promise.all(writers.map((w) => w.done))) as [{ first: number; last: number }, { first: number; last: number }];
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
