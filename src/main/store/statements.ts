/** Prepares a module's statements once per database connection, the first time they are needed. */
import type { Database } from 'better-sqlite3';

export function preparedFor<T>(prepare: (db: Database) => T): (db: Database) => T {
  const cache = new WeakMap<Database, T>();
  return (db) => {
    let statements = cache.get(db);
    if (statements === undefined) {
      statements = prepare(db);
      cache.set(db, statements);
    }
    return statements;
  };
}
