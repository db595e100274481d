/** An ApiContext over a scratch library, closed and removed when the test file ends. */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { ApiContext } from '../../../../src/main/api/context';
import { ApiEventBus } from '../../../../src/main/api/events';
import { openLibraryService } from '../../../../src/main/api/library-service';

const opened: { context: ApiContext; dir: string }[] = [];

afterAll(async () => {
  for (const { context, dir } of opened.splice(0)) {
    await context.library.close();
    await rm(dir, { recursive: true, force: true });
  }
});

export function testContext(events: ApiEventBus = new ApiEventBus()): ApiContext {
  const dir = mkdtempSync(join(tmpdir(), 'hyperadapt-api-'));
  const context = { events, library: openLibraryService(join(dir, 'data'), events) };
  opened.push({ context, dir });
  return context;
}
