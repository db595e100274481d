import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useTempDir } from './helpers/temp-files';

const files = useTempDir('streaming');
const MB = 1024 * 1024;

/** 200 MB of distinct chat rows of about 4 KB each, written in 1 MB chunks. */
async function writeBigChatFile(path: string, bytes: number): Promise<number> {
  const out = createWriteStream(path);
  const filler = 'lorem ipsum dolor sit amet '.repeat(70);
  let written = 0;
  let rows = 0;
  while (written < bytes) {
    const lines: string[] = [];
    let chunk = 0;
    while (chunk < MB) {
      const line = JSON.stringify({ messages: [{ role: 'system', content: 'Be helpful.' }, { role: 'user', content: `Question ${rows}: ${filler}` }, { role: 'assistant', content: `Answer ${rows}: ${filler}` }] }) + '\n';
      lines.push(line);
      chunk += line.length;
      rows += 1;
    }
    if (!out.write(lines.join(''))) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    written += chunk;
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return rows;
}

describe('checking a large file', () => {
  it('streams a 200 MB JSONL file in under 300 MB of heap', async () => {
    const path = files.path('big.jsonl');
    const rows = await writeBigChatFile(path, 200 * MB);
    expect((await stat(path)).size).toBeGreaterThanOrEqual(200 * MB);
    // The heap limit makes a reader that holds the file fail outright, not just measure high.
    const script = join(import.meta.dirname, 'helpers', 'check-heap.ts');
    const { stdout } = await promisify(execFile)(process.execPath, ['--max-old-space-size=300', '--import', 'tsx', script, path], { maxBuffer: 1 << 20 });
    const result = JSON.parse(stdout) as { peakHeapBytes: number; rows: { total: number; usable: number }; seconds: number; tokens: { max: number } };
    console.log(`200 MB, ${rows} rows: peak heap ${(result.peakHeapBytes / MB).toFixed(0)} MB, ${result.seconds.toFixed(1)} s (${(200 / result.seconds).toFixed(0)} MB/s)`);
    expect(result.rows).toMatchObject({ total: rows, usable: rows });
    expect(result.tokens.max).toBeGreaterThan(3000);
    expect(result.peakHeapBytes).toBeLessThan(300 * MB);
  }, 120_000);
});
