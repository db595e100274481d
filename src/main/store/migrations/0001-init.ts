/**
 * Schema version 1: the library's tables. STRICT tables (SQLite otherwise coerces types
 * silently), foreign keys with their delete rule, and indexes named table_byColumn.
 *
 * Paths are stored relative to the data folder (except an export the user wrote elsewhere), so
 * the whole folder can be moved and pointed at again. JSON columns hold small structured values
 * that are read back through a schema.
 */
import type { Database } from 'better-sqlite3';

export function migrate0001Init(db: Database): void {
  db.exec(`
    CREATE TABLE models (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      path TEXT NOT NULL UNIQUE,
      source_path TEXT NOT NULL,
      architecture TEXT NOT NULL,
      parameter_count INTEGER NOT NULL,
      hyperadapt_parameter_count INTEGER NOT NULL,
      dtype TEXT NOT NULL,
      config_sha256 TEXT NOT NULL,
      weight_files TEXT NOT NULL,               -- JSON [{ file, bytes, sha256 }], sorted by file
      identity_sha256 TEXT NOT NULL UNIQUE,     -- one row per distinct (architecture, config, weights)
      size_bytes INTEGER NOT NULL,
      linked INTEGER NOT NULL CHECK (linked IN (0, 1)),  -- 1: hard links to the user's files, 0: copies
      tags TEXT NOT NULL DEFAULT '[]',
      added_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE datasets (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      path TEXT NOT NULL,
      source_path TEXT NOT NULL,
      content_sha256 TEXT NOT NULL UNIQUE,
      format TEXT NOT NULL,
      rows INTEGER NOT NULL,
      size_bytes INTEGER NOT NULL,
      token_stats TEXT,                         -- JSON, from the importer's pre-flight report
      report TEXT,                              -- JSON
      tags TEXT NOT NULL DEFAULT '[]',
      added_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE runs (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE RESTRICT,
      dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE RESTRICT,
      method TEXT NOT NULL CHECK (method IN ('hyperadapt')),
      config TEXT NOT NULL,                     -- JSON: the effective training settings
      status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'paused', 'completed', 'failed', 'cancelled', 'interrupted')),
      path TEXT NOT NULL,
      device TEXT,
      total_steps INTEGER,
      step INTEGER NOT NULL DEFAULT 0,          -- last completed optimizer step
      stop_reason TEXT,                         -- 'completed' or 'early-stopped' for a completed run
      error TEXT,
      owner_pid INTEGER,                        -- the process training it, while queued, running or paused
      owner_boot_ms INTEGER,                    -- when that machine booted: a pid from before a reboot is dead
      request TEXT CHECK (request IN ('pause', 'resume', 'cancel')),  -- asked of the owner by another process
      tags TEXT NOT NULL DEFAULT '[]',
      notes TEXT NOT NULL DEFAULT '',
      created_at TEXT NOT NULL,
      started_at TEXT,
      finished_at TEXT
    ) STRICT;
    CREATE INDEX runs_byModel ON runs(model_id);
    CREATE INDEX runs_byDataset ON runs(dataset_id);
    CREATE INDEX runs_byStatus ON runs(status);

    CREATE TABLE metrics (
      run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      step INTEGER NOT NULL,
      split TEXT NOT NULL CHECK (split IN ('train', 'validation')),
      loss REAL,                                -- NULL when a step had no supervised token
      learning_rate REAL,
      tokens_per_second REAL,
      grad_norm REAL,
      tokens INTEGER,
      recorded_at TEXT NOT NULL,
      UNIQUE (run_id, step, split)
    ) STRICT;

    CREATE TABLE checkpoints (
      id INTEGER PRIMARY KEY,
      run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      step INTEGER NOT NULL,
      path TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('written', 'valid', 'invalid')),
      problem TEXT,
      created_at TEXT NOT NULL,
      verified_at TEXT,
      UNIQUE (run_id, step)
    ) STRICT;

    CREATE TABLE adapters (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
      model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE RESTRICT,
      dataset_id INTEGER REFERENCES datasets(id) ON DELETE SET NULL,
      path TEXT NOT NULL UNIQUE,
      parameter_count INTEGER NOT NULL,
      target_modules TEXT NOT NULL,             -- JSON [module name]
      weights_sha256 TEXT NOT NULL,
      base_architecture TEXT NOT NULL,          -- lineage: the base model's identity when trained
      base_config_sha256 TEXT NOT NULL,
      base_weight_files TEXT NOT NULL,          -- JSON [{ file, bytes, sha256 }]
      metrics TEXT NOT NULL DEFAULT '{}',       -- JSON: final loss, validation loss, steps
      notes TEXT NOT NULL DEFAULT '',
      tags TEXT NOT NULL DEFAULT '[]',
      created_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX adapters_byModel ON adapters(model_id);
    CREATE INDEX adapters_byRun ON adapters(run_id) WHERE run_id IS NOT NULL;
    CREATE INDEX adapters_byDataset ON adapters(dataset_id) WHERE dataset_id IS NOT NULL;

    CREATE TABLE exports (
      id INTEGER PRIMARY KEY,
      adapter_id INTEGER NOT NULL REFERENCES adapters(id) ON DELETE CASCADE,
      model_id INTEGER REFERENCES models(id) ON DELETE SET NULL,  -- the base, for merged exports
      format TEXT NOT NULL,
      path TEXT NOT NULL,                       -- relative: inside the data folder; absolute: the user's choice
      size_bytes INTEGER,
      verified INTEGER CHECK (verified IN (0, 1)),  -- NULL: not verified
      verification TEXT,                        -- what the verification found
      created_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX exports_byAdapter ON exports(adapter_id);
    CREATE INDEX exports_byModel ON exports(model_id) WHERE model_id IS NOT NULL;
  `);
}
