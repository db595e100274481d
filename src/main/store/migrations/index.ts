/**
 * The migration runner: an ordered list of numbered steps, applied at start-up inside one
 * IMMEDIATE transaction (two processes starting together cannot both migrate), ending with
 * `PRAGMA user_version`. A database newer than the newest step is refused before anything is
 * written to it.
 */
import type { Database } from 'better-sqlite3';
import { SchemaFromFutureError } from '../errors';
import { migrate0001Init } from './0001-init';
import { migrate0002DatasetReadOptions } from './0002-dataset-read-options';

export interface Migration {
  version: number;
  update: (db: Database) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, update: migrate0001Init },
  { version: 2, update: migrate0002DatasetReadOptions },
];

export function latestVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return migrations.at(-1)?.version ?? 0;
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((migration, i) => {
    if (migration.version !== i + 1) {
      throw new Error(`migration ${i + 1} is numbered ${migration.version}: versions must run 1, 2, 3… without gaps`);
    }
  });
}

/** Throws SchemaFromFutureError when the file is newer than `migrations` know. Reads only. */
export function refuseFutureSchema(db: Database, migrations: readonly Migration[] = MIGRATIONS): void {
  const found = schemaVersion(db);
  if (found > latestVersion(migrations)) throw new SchemaFromFutureError(db.name, found, latestVersion(migrations));
}

/** Brings the schema up to date; returns the versions applied (none when it already was). */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS, target = latestVersion(migrations)): number[] {
  checkOrder(migrations);
  const applied: number[] = [];
  db.transaction(() => {
    // Read inside the transaction: another process may have migrated while we waited for the lock.
    refuseFutureSchema(db, migrations);
    const current = schemaVersion(db);
    for (const migration of migrations) {
      if (migration.version <= current || migration.version > target) continue;
      migration.update(db);
      applied.push(migration.version);
    }
    if (applied.length > 0) db.pragma(`user_version = ${applied.at(-1)!}`);
  }).immediate();
  if (applied.length > 0) db.pragma('optimize');
  return applied;
}
