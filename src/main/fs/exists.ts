/** Whether something is at `path` (a file, a folder, a link that resolves). */
import { access } from 'node:fs/promises';

export function pathExists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
