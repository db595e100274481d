/**
 * What the library records about a data file, and the description it uses until the data
 * importer (src/main/data/) provides a richer one: the rows of a JSONL file and the shape the
 * trainer will read them as. Rows the trainer cannot use are counted, with their first line
 * numbers, so the library shows at a glance what the pre-flight check will refuse.
 */
import { readJsonl } from '../data/jsonl';
import type { JsonValue } from './records';

export interface DatasetDescription {
  format: string;
  rows: number;
  tokenStats: JsonValue | null;
  report: JsonValue | null;
}

/** Describes a data file already copied into the library. */
export type DescribeDataset = (file: string) => Promise<DatasetDescription>;

/** Line numbers listed per problem; the count says how many there are in all. */
const LINES_LISTED = 20;

function shapeOf(value: unknown): 'prompt-completion' | 'pre-tokenized' | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  if ('input_ids' in value) return 'pre-tokenized';
  if ('prompt' in value && 'completion' in value) return 'prompt-completion';
  return null;
}

export const describeJsonlDataset: DescribeDataset = async (file) => {
  const shapes = new Map<string, number>();
  const notJson: number[] = [];
  const unknownShape: number[] = [];
  let notJsonCount = 0;
  let unknownCount = 0;
  let rows = 0;
  for await (const record of readJsonl(file)) {
    rows += 1;
    if ('error' in record) {
      notJsonCount += 1;
      if (notJson.length < LINES_LISTED) notJson.push(record.line);
      continue;
    }
    const shape = shapeOf(record.value);
    if (shape === null) {
      unknownCount += 1;
      if (unknownShape.length < LINES_LISTED) unknownShape.push(record.line);
    } else {
      shapes.set(shape, (shapes.get(shape) ?? 0) + 1);
    }
  }
  const formats = [...shapes.keys()];
  const format = formats.length === 1 ? `jsonl:${formats[0]}` : formats.length === 0 ? 'jsonl' : 'jsonl:mixed';
  return {
    format,
    rows,
    tokenStats: null,
    report: {
      shapes: Object.fromEntries(shapes),
      notJson: { count: notJsonCount, lines: notJson },
      unknownShape: { count: unknownCount, lines: unknownShape },
    },
  };
};
