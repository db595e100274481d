/**
 * Batch comparison: every prompt of a list through the base model and the adapted one, one after
 * the other on one session, each output written as one JSONL line as soon as both panes are done
 * (to a temp file renamed into place at the end, so a half-finished file never passes for a
 * complete one). The store will keep these for review; until then the JSONL file is the record.
 */
import { openAtomicFile } from '../../fs/atomic-write';
import type { BatchPrompt } from './batch-prompts';
import { type GenerateOptions, Generation, type StepSession, type GenerationResult } from './generation';
import type { Pane, PaneParams } from './compare';
import type { Prompt } from './prompt';

/** One line of the output file. */
export interface BatchRecord {
  readonly line: number;
  readonly prompt: Prompt;
  readonly reference: string | null;
  readonly base: PaneOutput;
  readonly adapted: PaneOutput;
}

export interface PaneOutput {
  readonly text: string;
  readonly tokens: number;
  readonly reason: GenerationResult['reason'];
}

export interface BatchOptions extends GenerateOptions {
  /** Prompt -> ids (prompt.ts encodePrompt with the model). */
  readonly encode: (prompt: Prompt) => number[];
  /** Called after each prompt, with its record, its index and the total. */
  readonly onRecord?: (record: BatchRecord, index: number, total: number) => void;
  /**
   * Once aborted, no further prompt starts (the one running finishes): the records so far are
   * returned and `outPath` is left as it was, since a table cut short must not pass for a whole one.
   */
  readonly signal?: AbortSignal;
}

/**
 * Runs every prompt through both panes and writes `outPath` (JSONL, one BatchRecord per line);
 * returns the records, fewer than the prompts when `options.signal` stopped it (nothing written then).
 */
export async function compareBatch(session: StepSession, prompts: readonly BatchPrompt[], params: PaneParams, outPath: string, options: BatchOptions): Promise<BatchRecord[]> {
  const file = await openAtomicFile(outPath);
  const records: BatchRecord[] = [];
  try {
    for (const [index, item] of prompts.entries()) {
      if (options.signal?.aborted) break;
      const ids = options.encode(item.prompt);
      const run = async (pane: Pane): Promise<PaneOutput> => {
        const generation = await Generation.start(session, ids, params[pane], options);
        while (!generation.done) await generation.step();
        const { text, tokens, reason } = generation.result;
        return { text, tokens: tokens.length, reason };
      };
      const record: BatchRecord = { line: item.line, prompt: item.prompt, reference: item.reference, base: await run('base'), adapted: await run('adapted') };
      await file.write(JSON.stringify(record) + '\n');
      records.push(record);
      options.onRecord?.(record, index, prompts.length);
    }
    if (records.length === prompts.length) await file.commit();
    else await file.abort();
  } catch (error) {
    await file.abort();
    throw error;
  }
  return records;
}
