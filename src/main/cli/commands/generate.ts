/**
 * `hyperadapt generate`: text from the base model or an adapter, streamed as it is produced; with
 * --compare, the base model and the adapter side by side on one session; with --prompts, a whole
 * file of prompts through both, written as JSONL for review; with --validation, the prompts of the
 * rows the adapter was validated on.
 */
import type { Command } from 'commander';
import { compareBatch } from '../../engine/generate/batch';
import { describePromptProblems, readBatchPrompts, type BatchPrompt } from '../../engine/generate/batch-prompts';
import { compareStream, type Pane } from '../../engine/generate/compare';
import { type GenerateOptions, Generation, type GenerationEvent, type GenerationResult, stream } from '../../engine/generate/generation';
import { type OpenedGeneration, openGeneration } from '../../engine/generate/open-generation';
import { detokenizer, encodePrompt, type Prompt } from '../../engine/generate/prompt';
import { resolveSampling } from '../../engine/generate/sampling';
import { validationPrompts } from '../../engine/generate/validation-prompts';
import { readAdapterConfig } from '../../engine/adapters/adapter-files';
import type { DeviceChoice } from '../../engine/onnx/session';
import { createOutput, type Output } from '../output';
import { nonNegativeInt, nonNegativeNumber, oneOf, positiveInt, positiveNumber, probability } from '../parse';

interface GenerateFlags {
  model: string;
  adapter?: string;
  prompt?: string;
  prompts?: string;
  validation?: boolean;
  out?: string;
  chat?: boolean;
  system?: string;
  compare?: boolean;
  maxNewTokens: number;
  temperature?: number;
  topK?: number;
  topP?: number;
  repetitionPenalty?: number;
  seed?: number;
  stop: string[];
  device: DeviceChoice;
  threads?: number;
  json?: boolean;
}

export const GENERATE_DEFAULTS = { maxNewTokens: 128, device: 'auto' } as const;

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('generate text with the base model or an adapter, streamed; --compare shows both side by side')
    .requiredOption('--model <dir>', 'Hugging Face model folder')
    .option('--adapter <dir>', 'adapter folder (adapter_model.safetensors + adapter_config.json)')
    .option('--prompt <text>', 'the prompt')
    .option('--prompts <file>', 'JSONL of {"prompt"} or {"messages"} rows: run each through the base model and the adapter (needs --adapter and --out)')
    .option('--validation', "the prompts of the rows the adapter was validated on (its training data, split and seed, from adapter_config.json), through the base model and the adapter (needs --adapter and --out)")
    .option('--out <file>', 'where --prompts and --validation write their outputs (JSONL)')
    .option('--chat', "send the prompt as a user message through the model's chat template")
    .option('--system <text>', 'a system message before the prompt (with --chat)')
    .option('--compare', 'the base model and the adapter side by side (needs --adapter)')
    .option('--max-new-tokens <n>', 'most tokens to generate', positiveInt, GENERATE_DEFAULTS.maxNewTokens)
    .option('--temperature <x>', "0 for greedy decoding (default: the model's generation_config.json, else greedy)", nonNegativeNumber)
    .option('--top-k <n>', 'sample from the k most likely tokens (0: all)', nonNegativeInt)
    .option('--top-p <x>', 'sample from the most likely tokens up to this probability mass', probability)
    .option('--repetition-penalty <x>', 'above 1 discourages repeating tokens', positiveNumber)
    .option('--seed <n>', 'seed for sampling (default 0)', nonNegativeInt)
    .option('--stop <text>', 'stop when this text appears (repeatable)', (value: string, all: string[]) => [...all, value], [])
    .option('--device <device>', 'auto, cpu or cuda', oneOf<DeviceChoice>(['auto', 'cpu', 'cuda']), GENERATE_DEFAULTS.device)
    .option('--threads <n>', 'onnxruntime threads (default: all cores)', positiveInt)
    .option('--json', 'one JSON line per token and per finished output')
    .action(async (flags: GenerateFlags) => {
      const out = createOutput(Boolean(flags.json));
      checkFlags(flags);
      const opened = await openGeneration({ model: flags.model, ...(flags.adapter && { adapter: flags.adapter }), device: flags.device, ...(flags.threads && { threads: flags.threads }) });
      try {
        for (const note of opened.session.notes) out.info(note);
        const options = generateOptions(flags, opened);
        if (flags.prompts || flags.validation) await runBatch(flags, opened, options, out);
        else if (flags.compare) await runCompare(flags, opened, options, out);
        else await runSingle(flags, opened, options, out);
      } finally {
        await opened.session.release();
      }
    });
}

function checkFlags(flags: GenerateFlags): void {
  if ([flags.prompt, flags.prompts, flags.validation].filter(Boolean).length !== 1) throw new Error('give one of --prompt TEXT, --prompts FILE or --validation');
  const batch = flags.prompts ? '--prompts' : flags.validation ? '--validation' : null;
  if ((flags.compare || batch) && !flags.adapter) throw new Error(`${batch ?? '--compare'} runs the base model and an adapter: give --adapter DIR`);
  if (batch && !flags.out) throw new Error(`${batch} writes its outputs to a file: give --out FILE`);
  if (flags.system !== undefined && !flags.chat) throw new Error('--system needs --chat');
}

function generateOptions(flags: GenerateFlags, { model }: OpenedGeneration): GenerateOptions {
  const user = {
    ...(flags.temperature !== undefined && { temperature: flags.temperature }),
    ...(flags.topK !== undefined && { topK: flags.topK }),
    ...(flags.topP !== undefined && { topP: flags.topP }),
    ...(flags.repetitionPenalty !== undefined && { repetitionPenalty: flags.repetitionPenalty }),
    ...(flags.seed !== undefined && { seed: flags.seed }),
  };
  return { maxNewTokens: flags.maxNewTokens, sampling: resolveSampling(user, model.generation), eosTokenIds: model.eosTokenIds, stopStrings: flags.stop, detokenize: detokenizer(model) };
}

function promptOf(flags: GenerateFlags): Prompt {
  const text = flags.prompt!;
  if (!flags.chat) return { text };
  return { messages: [...(flags.system !== undefined ? [{ role: 'system', content: flags.system }] : []), { role: 'user', content: text }] };
}

/** The figures printed when an output ends (JSON keys in snake_case, as the other commands write them). */
function summary(result: GenerationResult): Record<string, unknown> {
  return {
    text: result.text,
    reason: result.reason,
    tokens: result.tokens.length,
    prompt_tokens: result.promptTokens,
    prefill_ms: Math.round(result.prefillMs),
    decode_tokens_per_s: Math.round(result.decodeTokensPerSecond * 10) / 10,
  };
}

function describeEnd(result: GenerationResult): string {
  const why = { eos: 'end of sequence', stop: 'stop string', length: '--max-new-tokens reached', context: "the model's context is full" }[result.reason];
  return `[${result.tokens.length} tokens, ${why}; ${result.decodeTokensPerSecond.toFixed(1)} tokens/s]`;
}

async function runSingle(flags: GenerateFlags, opened: OpenedGeneration, options: GenerateOptions, out: Output): Promise<void> {
  const params = opened.adapted ?? opened.base;
  const generation = await Generation.start(opened.session, encodePrompt(opened.model, promptOf(flags)), params, options);
  for await (const event of stream(generation)) {
    if (out.json) out.result(event.type === 'token' ? { token: event.token, text: event.text } : { done: true, ...summary(event.result) }, () => '');
    else if (event.type === 'token') process.stdout.write(event.text);
    else out.info(`\n${describeEnd(event.result)}`);
  }
}

/** Two panes on a terminal: each pane's text is printed line by line, labelled, as its lines complete. */
async function runCompare(flags: GenerateFlags, opened: OpenedGeneration, options: GenerateOptions, out: Output): Promise<void> {
  const prompt = encodePrompt(opened.model, promptOf(flags));
  const pending: Record<Pane, string> = { base: '', adapted: '' };
  const printLines = (pane: Pane, text: string, final: boolean): void => {
    const lines = (pending[pane] + text).split('\n');
    pending[pane] = final ? '' : lines.pop()!;
    for (const line of final && lines.at(-1) === '' ? lines.slice(0, -1) : lines) out.info(`[${pane}] ${line}`);
  };
  for await (const event of compareStream(opened.session, prompt, { base: opened.base, adapted: opened.adapted! }, options)) {
    if (out.json) out.result(eventJson(event, event.pane), () => '');
    else if (event.type === 'token') printLines(event.pane, event.text, false);
    else {
      printLines(event.pane, '', true);
      out.info(`[${event.pane}] ${describeEnd(event.result)}`);
    }
  }
}

function eventJson(event: GenerationEvent, pane: Pane): Record<string, unknown> {
  return event.type === 'token' ? { pane, token: event.token, text: event.text } : { pane, done: true, ...summary(event.result) };
}

/** The batch's prompts and how to encode them: a file of prompts, or the adapter's validation rows. */
async function batchPrompts(flags: GenerateFlags, opened: OpenedGeneration, out: Output): Promise<{ prompts: BatchPrompt[]; encode: (prompt: Prompt) => number[] }> {
  if (flags.prompts) {
    const { prompts, problems } = await readBatchPrompts(flags.prompts);
    if (problems.length > 0) throw new Error(describePromptProblems(flags.prompts, problems));
    if (prompts.length === 0) throw new Error(`${flags.prompts}: no prompts`);
    return { prompts, encode: (prompt) => encodePrompt(opened.model, prompt) };
  }
  const adapterDir = opened.adapterDir!;
  const found = await validationPrompts(opened.model, await readAdapterConfig(adapterDir), adapterDir);
  if (found.notConversations > 0) out.info(`${found.notConversations} validation rows of ${found.file} are plain text or tokens, with no prompt to answer: left out`);
  if (found.prompts.length === 0) throw new Error(`${found.file}: the adapter's validation rows hold no conversation to prompt with (was it trained with --val-split 0?)`);
  out.info(`${found.prompts.length} validation prompts from ${found.file}`);
  return found;
}

async function runBatch(flags: GenerateFlags, opened: OpenedGeneration, options: GenerateOptions, out: Output): Promise<void> {
  const { prompts, encode } = await batchPrompts(flags, opened, out);
  const records = await compareBatch(opened.session, prompts, { base: opened.base, adapted: opened.adapted! }, flags.out!, {
    ...options,
    encode,
    onRecord: (record, index, total) => {
      if (out.json) out.result({ line: record.line, base: record.base, adapted: record.adapted }, () => '');
      else out.info(`${index + 1}/${total}  line ${record.line}: base ${record.base.tokens} tokens, adapted ${record.adapted.tokens} tokens`);
    },
  });
  out.result({ done: true, prompts: records.length, out: flags.out }, () => `Wrote ${records.length} base/adapted pairs to ${flags.out}`);
}
