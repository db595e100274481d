/**
 * The validation-sample table as the Try screen shows it: a batch record as a table row, and the
 * table try.validation saved in an adapter's folder read back, each line checked, so a reopened
 * screen shows it again and a damaged file is named rather than half shown.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as v from 'valibot';
import type { ValidationSample } from './try-contract';

/** The file try.validation writes in the adapter's library folder. */
export const VALIDATION_SAMPLES_FILE = 'validation-samples.jsonl';

/** Far above any table try.validation writes (200 rows of 1024 tokens each side); past it, not ours. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** What a row needs of a BatchRecord (engine/generate/batch.ts), one per line of the file. */
const recordSchema = v.object({
  line: v.number(),
  prompt: v.union([v.object({ text: v.string() }), v.object({ messages: v.array(v.object({ role: v.string(), content: v.string() })) })]),
  reference: v.nullable(v.string()),
  base: v.object({ text: v.string() }),
  adapted: v.object({ text: v.string() }),
});

/** A BatchRecord, or a line of the file as the schema reads it: what a table row is made from. */
interface TableRecord {
  readonly line: number;
  readonly prompt: { readonly text: string } | { readonly messages: readonly { readonly content: string }[] };
  readonly reference: string | null;
  readonly base: { readonly text: string };
  readonly adapted: { readonly text: string };
}

/** A saved table that cannot be read back; running the comparison again replaces it. */
export class SavedValidationError extends Error {
  override readonly name = 'SavedValidationError';
  constructor(
    readonly file: string,
    /** The line at fault, or null for the file as a whole. */
    readonly line: number | null,
    readonly problem: string,
  ) {
    super(`${file}${line === null ? '' : `:${line}`}: ${problem}. Run the validation comparison again to replace it.`);
  }
}

/** A record as the table shows it: the prompt as the user would read it (the last message before the answer). */
export function validationSample(record: TableRecord): ValidationSample {
  const prompt = 'text' in record.prompt ? record.prompt.text : (record.prompt.messages.at(-1)?.content ?? '');
  return { line: record.line, prompt, reference: record.reference, base: record.base.text, adapted: record.adapted.text };
}

function parseLine(file: string, text: string, line: number): ValidationSample {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SavedValidationError(file, line, `not valid JSON (${(error as Error).message})`);
  }
  const parsed = v.safeParse(recordSchema, json);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    throw new SavedValidationError(file, line, `not a validation row: ${v.getDotPath(issue) ?? '(row)'}: ${issue.message}`);
  }
  return validationSample(parsed.output);
}

/** The table saved in `adapterDir`, with when it was written; null when none was saved. */
export async function readSavedValidation(adapterDir: string): Promise<{ out: string; madeAt: string; samples: ValidationSample[] } | null> {
  const out = join(adapterDir, VALIDATION_SAMPLES_FILE);
  const info = await stat(out).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (info === null) return null;
  if (!info.isFile()) throw new SavedValidationError(out, null, 'not a file');
  if (info.size > MAX_FILE_BYTES) throw new SavedValidationError(out, null, `${info.size} bytes, more than a saved table ever holds`);
  const lines = (await readFile(out, 'utf8')).split('\n');
  const samples: ValidationSample[] = [];
  for (const [index, text] of lines.entries()) {
    if (text.trim() !== '') samples.push(parseLine(out, text, index + 1));
  }
  if (samples.length === 0) throw new SavedValidationError(out, null, 'no rows');
  return { out, madeAt: info.mtime.toISOString(), samples };
}
