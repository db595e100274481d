/**
 * The prompts of an adapter's validation rows, for the base/adapted review: the adapter's
 * adapter_config.json records how it was trained (data file, split, seed, format, max length),
 * so the same rows the trainer validated on are found again, and each conversation's last
 * assistant turn becomes the reference answer. Prompts are rendered as training rendered them:
 * the model's chat template, or the plain template for a model without one.
 */
import { dataTokenizer, type DataTokenizer } from '../../data/data-tokenizer';
import type { ColumnMapping, Format } from '../../data/formats';
import type { TextUnit } from '../../data/readers/txt';
import { validationConversations } from '../../data/validation-conversations';
import type { AdapterConfig } from '../adapters/adapter-files';
import type { HfModel } from '../models/hf-model';
import { TRAIN_DEFAULTS } from '../train/train-options';
import type { BatchPrompt } from './batch-prompts';
import type { Prompt } from './prompt';

/** The training settings a split depends on, as run-training records them in adapter_config.json. */
interface RecordedData {
  data?: unknown;
  validationData?: unknown;
  valSplit?: unknown;
  seed?: unknown;
  maxLength?: unknown;
  format?: unknown;
  columns?: unknown;
  textUnit?: unknown;
}

/** An adapter whose validation rows give nothing to prompt with: not recorded, or not conversations. */
export class ValidationRowsError extends Error {
  override readonly name = 'ValidationRowsError';
  constructor(
    /** The adapter config or data file it is about. */
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

function recordedSplit(config: AdapterConfig, adapterDir: string) {
  const t = config.training as RecordedData;
  if (typeof t.data !== 'string') throw new ValidationRowsError(`${adapterDir}/adapter_config.json`, `${adapterDir}/adapter_config.json does not record its training data file, so its validation rows cannot be found`);
  const number = (value: unknown, fallback: number) => (typeof value === 'number' ? value : fallback);
  return {
    data: t.data,
    validationFile: typeof t.validationData === 'string' ? t.validationData : undefined,
    valSplit: number(t.valSplit, TRAIN_DEFAULTS.valSplit),
    seed: number(t.seed, TRAIN_DEFAULTS.seed),
    maxLength: number(t.maxLength, TRAIN_DEFAULTS.maxLength),
    format: typeof t.format === 'string' ? (t.format as Format) : undefined,
    columns: typeof t.columns === 'object' && t.columns !== null ? (t.columns as ColumnMapping) : undefined,
    textUnit: typeof t.textUnit === 'string' ? (t.textUnit as TextUnit) : undefined,
  };
}

export interface ValidationPrompts {
  prompts: BatchPrompt[];
  /** The file the rows come from (the training file, or its validation file). */
  file: string;
  /** Validation rows that are plain text or tokens: nothing to prompt with. */
  notConversations: number;
  /** Encodes a prompt exactly as training rendered its conversations. */
  encode: (prompt: Prompt) => number[];
}

export async function validationPrompts(model: HfModel, config: AdapterConfig, adapterDir: string): Promise<ValidationPrompts> {
  const split = recordedSplit(config, adapterDir);
  const tokenizer = dataTokenizer(model);
  const { file, conversations, notConversations } = await validationConversations(split.data, {
    ...split,
    tokenizer,
    batchSize: TRAIN_DEFAULTS.batchSize,
    gradAccum: TRAIN_DEFAULTS.gradAccum,
  });
  const prompts: BatchPrompt[] = [];
  for (const { position, turns } of conversations) {
    const last = turns.at(-1);
    const answered = last?.role === 'assistant';
    const asked = (answered ? turns.slice(0, -1) : turns).map(({ role, content }) => ({ role, content }));
    if (asked.length === 0) continue;
    prompts.push({ line: position.line ?? position.row, prompt: { messages: asked }, reference: answered ? last.content : null });
  }
  return { prompts, file, notConversations, encode: (prompt) => encodeLikeTraining(tokenizer, prompt) };
}

function encodeLikeTraining(tokenizer: DataTokenizer, prompt: Prompt): number[] {
  if ('text' in prompt) return tokenizer.encode(prompt.text);
  const bos = tokenizer.templateKind === 'plain' && tokenizer.bosTokenId !== null ? [tokenizer.bosTokenId] : [];
  return [...bos, ...tokenizer.encode(tokenizer.template.render(prompt.messages, { addGenerationPrompt: true }))];
}
