/**
 * `node out/main/web.js [--port N]`: the app without Electron. Prints the URL (with its token)
 * to open in a browser, and serves until interrupted.
 */
import { join } from 'node:path';
import { ApiEventBus } from '../api/events';
import { openLibraryService } from '../api/library-service';
import { dataDirectory } from '../data-directory';
import { startUsageSampler } from '../system/usage-sampler';
import { APP_NAME, APP_VERSION } from '../system/system-info';
import { startWebShell } from './server';

function parsePort(argv: string[]): number {
  const index = argv.indexOf('--port');
  if (index === -1) return 0;
  const value = Number(argv[index + 1]);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new Error(`--port expects a number from 0 to 65535, got "${argv[index + 1] ?? ''}".`);
  }
  return value;
}

async function main(): Promise<void> {
  const events = new ApiEventBus();
  const library = openLibraryService(dataDirectory(), events);
  const stopSampler = startUsageSampler(events);
  // The bundle sits in out/main/; the renderer build beside it in out/renderer/.
  const shell = await startWebShell({ staticDir: join(__dirname, '../renderer'), context: { events, library }, port: parsePort(process.argv.slice(2)) });
  console.log(`${APP_NAME} ${APP_VERSION} web shell: ${shell.url}`);
  // A run still training stops after its step with a checkpoint (it becomes 'interrupted', resumable).
  const stop = () => {
    stopSampler();
    void shell
      .close()
      .then(() => library.close())
      .then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
