import Database from 'better-sqlite3';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/main/store/database';
import { SchemaFromFutureError } from '../../../src/main/store/errors';
import { latestVersion, migrate, MIGRATIONS, schemaVersion, type Migration } from '../../../src/main/store/migrations';

let dir: string;
let counter = 0;
const file = () => join(dir, `db-${counter++}.sqlite`);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hyperadapt-migrations-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('openDatabase', () => {
  it('creates every table at the latest version, in WAL mode with foreign keys on', () => {
    const db = openDatabase(file());
    expect(schemaVersion(db)).toBe(latestVersion());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = db.prepare<[], { name: string }>(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).all().map((row) => row.name);
    expect(tables).toEqual(['adapters', 'checkpoints', 'datasets', 'exports', 'metrics', 'models', 'runs']);
    db.close();
  });

  it('is idempotent: opening again applies nothing', () => {
    const path = file();
    openDatabase(path).close();
    const db = openDatabase(path);
    expect(migrate(db)).toEqual([]);
    db.close();
  });

  it('refuses a database from a newer version with a clear message, and leaves the file as it was', async () => {
    const path = file();
    const raw = new Database(path);
    raw.exec('CREATE TABLE future (x INTEGER)');
    raw.pragma('user_version = 99');
    raw.close();
    const before = await readFile(path);
    let error: unknown;
    try {
      openDatabase(path);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SchemaFromFutureError);
    expect((error as SchemaFromFutureError).found).toBe(99);
    expect((error as Error).message).toMatch(new RegExp(`schema version 99.*knows versions up to ${latestVersion()}.*newer version.*was not changed`));
    expect((await readFile(path)).equals(before)).toBe(true); // not even switched to WAL
  });

  it('enforces column types (STRICT tables) and foreign keys', () => {
    const db = openDatabase(file());
    expect(() =>
      db.prepare(`INSERT INTO metrics (run_id, step, split, recorded_at) VALUES (1, 'three', 'train', 'now')`).run(),
    ).toThrow(/cannot store TEXT value in INTEGER column/);
    expect(() => db.prepare(`INSERT INTO metrics (run_id, step, split, recorded_at) VALUES (42, 3, 'train', 'now')`).run()).toThrow(/FOREIGN KEY/);
    db.close();
  });
});

describe('the library migrations', () => {
  it('2 gives datasets added before it empty read options', () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS, 1);
    db.prepare(`INSERT INTO datasets (name, path, source_path, content_sha256, format, rows, size_bytes, added_at) VALUES ('d', 'datasets/x/d.jsonl', '/d.jsonl', 'h', 'jsonl', 3, 9, 'now')`).run();
    expect(migrate(db)).toEqual([2]);
    expect(db.prepare('SELECT name, rows, read_options FROM datasets').all()).toEqual([{ name: 'd', rows: 3, read_options: '{}' }]);
  });
});

describe('migrate', () => {
  const steps: Migration[] = [
    { version: 1, update: (db) => db.exec('CREATE TABLE t (name TEXT NOT NULL) STRICT') },
    {
      version: 2,
      update: (db) => {
        db.exec(`CREATE TABLE t2 (name TEXT NOT NULL, upper TEXT NOT NULL) STRICT; INSERT INTO t2 SELECT name, upper(name) FROM t; DROP TABLE t`);
      },
    },
  ];

  it('moves data from version N-1 to N', () => {
    const db = new Database(':memory:');
    expect(migrate(db, steps, 1)).toEqual([1]);
    db.prepare(`INSERT INTO t VALUES ('a'), ('b')`).run();
    expect(migrate(db, steps)).toEqual([2]);
    expect(schemaVersion(db)).toBe(2);
    expect(db.prepare('SELECT name, upper FROM t2 ORDER BY name').all()).toEqual([
      { name: 'a', upper: 'A' },
      { name: 'b', upper: 'B' },
    ]);
  });

  it('applies pending steps in one transaction: a failing step leaves the version and the schema as they were', () => {
    const db = new Database(':memory:');
    const failing: Migration[] = [steps[0]!, { version: 2, update: (d) => d.exec('CREATE TABLE half (x INTEGER); SELECT * FROM no_such_table') }];
    expect(() => migrate(db, failing)).toThrow(/no_such_table/);
    expect(schemaVersion(db)).toBe(0);
    expect(db.prepare(`SELECT count(*) AS n FROM sqlite_schema`).get()).toEqual({ n: 0 });
  });

  it('rejects a list whose versions do not run 1, 2, 3…', () => {
    const db = new Database(':memory:');
    expect(() => migrate(db, [steps[0]!, { ...steps[1]!, version: 3 }])).toThrow(/migration 2 is numbered 3/);
  });
});
