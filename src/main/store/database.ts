/**
 * Opens the library database the one way every process must: refuse a schema from the future
 * before touching the file, then WAL (readers never block the writer, and a killed process
 * leaves a consistent file), foreign keys on, a busy timeout so a second process waits for the
 * write lock instead of failing, and migrations.
 */
import Database from 'better-sqlite3';
import { migrate, refuseFutureSchema, type Migration, MIGRATIONS } from './migrations';

export type { Database } from 'better-sqlite3';

/** How long a writer waits for another process's transaction before giving up. */
const BUSY_TIMEOUT_MS = 15_000;

/**
 * The desktop app's main process has Electron's ABI, not Node's: `npm start` builds the addon
 * for it (scripts/electron-native.mjs) and names that build here. Node processes leave it unset.
 */
const NATIVE_BINDING_ENV = 'HYPERADAPT_SQLITE_BINDING';

export function openDatabase(file: string, migrations: readonly Migration[] = MIGRATIONS): Database.Database {
  const nativeBinding = process.versions.electron ? process.env[NATIVE_BINDING_ENV] : undefined;
  const db = new Database(file, { timeout: BUSY_TIMEOUT_MS, ...(nativeBinding ? { nativeBinding } : {}) });
  try {
    refuseFutureSchema(db, migrations);
    db.pragma('journal_mode = WAL');
    // WAL with NORMAL survives a killed process but may lose the last commits on power loss;
    // FULL syncs every commit. Our writes are a few per training step, so durability is cheap.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db, migrations);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
