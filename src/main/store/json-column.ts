/**
 * JSON columns: written with JSON.stringify, read back through a valibot schema, so a row that
 * was hand-edited or written by a buggy version fails with the table, the row and the field
 * instead of flowing on as the wrong type.
 */
import * as v from 'valibot';
import type { JsonValue } from './records';

export function readJson<S extends v.GenericSchema>(schema: S, text: string, where: string): v.InferOutput<S> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${where}: not valid JSON (${(error as Error).message})`);
  }
  const result = v.safeParse(schema, parsed);
  if (!result.success) {
    const issue = result.issues[0];
    throw new Error(`${where}: ${v.getDotPath(issue) ?? '(value)'}: ${issue.message}`);
  }
  return result.output;
}

export const jsonValueSchema: v.GenericSchema<JsonValue> = v.union([
  v.string(),
  v.number(),
  v.boolean(),
  v.null(),
  v.array(v.lazy(() => jsonValueSchema)),
  v.record(v.string(), v.lazy(() => jsonValueSchema)),
]);

export const tagsSchema = v.array(v.string());

export const weightFilesSchema = v.array(v.strictObject({ file: v.string(), bytes: v.number(), sha256: v.string() }));
