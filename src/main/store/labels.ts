/**
 * What people attach to library entries: a name, tags, and (runs, adapters) notes. The same
 * rules for every kind, so they live once here.
 */
import { UserInputError } from '../request-errors';
import { NotFoundError, type LibraryKind } from './errors';
import type { Library } from './library';

export type LabelledKind = Extract<LibraryKind, 'model' | 'dataset' | 'run' | 'adapter'>;
export type NotedKind = Extract<LabelledKind, 'run' | 'adapter'>;

// Table names come from this closed map, never from input, so interpolating them is safe.
const TABLES: Record<LabelledKind, string> = { model: 'models', dataset: 'datasets', run: 'runs', adapter: 'adapters' };

const MAX_NAME = 200;
const MAX_TAG = 64;
const MAX_NOTES = 20_000;

export function cleanName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw new UserInputError('name', 'A name cannot be empty.');
  if (trimmed.length > MAX_NAME) throw new UserInputError('name', `A name can have at most ${MAX_NAME} characters; this one has ${trimmed.length}.`);
  return trimmed;
}

/** Trimmed, without empty or repeated tags, in the order given. */
export function cleanTags(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const tag of tags.map((t) => t.trim()).filter(Boolean)) {
    if (tag.length > MAX_TAG) throw new UserInputError('tags', `A tag can have at most ${MAX_TAG} characters: "${tag.slice(0, 20)}…" has ${tag.length}.`);
    seen.add(tag);
  }
  return [...seen];
}

function update(library: Library, kind: LabelledKind, id: number, column: 'name' | 'tags' | 'notes', value: string): void {
  const { changes } = library.db.prepare(`UPDATE ${TABLES[kind]} SET ${column} = ? WHERE id = ?`).run(value, id);
  if (changes === 0) throw new NotFoundError(kind, id);
}

export function renameEntry(library: Library, kind: LabelledKind, id: number, name: string): void {
  update(library, kind, id, 'name', cleanName(name));
}

export function tagEntry(library: Library, kind: LabelledKind, id: number, tags: readonly string[]): void {
  update(library, kind, id, 'tags', JSON.stringify(cleanTags(tags)));
}

export function annotateEntry(library: Library, kind: NotedKind, id: number, notes: string): void {
  if (notes.length > MAX_NOTES) throw new UserInputError('notes', `Notes can have at most ${MAX_NOTES} characters; these have ${notes.length}.`);
  update(library, kind, id, 'notes', notes);
}
