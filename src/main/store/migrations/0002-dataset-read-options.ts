/**
 * Schema version 2: how a dataset's file is read (a forced format, a column mapping, the text
 * unit of a .txt file), recorded with the dataset so that every run trains on the rows the
 * import checked. Datasets added before it were read with detection alone: '{}'.
 */
import type { Database } from 'better-sqlite3';

export function migrate0002DatasetReadOptions(db: Database): void {
  db.exec(`ALTER TABLE datasets ADD COLUMN read_options TEXT NOT NULL DEFAULT '{}'`);
}
