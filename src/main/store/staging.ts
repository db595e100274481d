/**
 * Staging folders: something new is assembled under a hidden name in its final parent folder,
 * then renamed into place in one step, so a crash never leaves a half-built entry under a real
 * name. A staging folder carries its process id, so leftovers of a dead process can be swept
 * without disturbing another process that is importing right now.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isProcessAlive } from './process-liveness';

const PREFIX = '.incoming-';

export async function createStagingFolder(parent: string): Promise<string> {
  await mkdir(parent, { recursive: true });
  const dir = join(parent, `${PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`);
  await mkdir(dir);
  return dir;
}

/** Removes staging folders under `parent` whose process has ended. Synchronous: it runs once, at start-up. */
export function sweepStagingFolders(parent: string): void {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return; // no such folder yet: nothing was ever staged there
  }
  for (const name of names) {
    const match = /^\.incoming-(\d+)-[0-9a-f]+$/.exec(name);
    if (match && !isProcessAlive(Number(match[1]))) rmSync(join(parent, name), { recursive: true, force: true });
  }
}
