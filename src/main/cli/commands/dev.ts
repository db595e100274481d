/** `hyperadapt dev ...`: tools for developers and the starter kit (tiny random models). */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { generateTinyModel, TINY_ARCHITECTURES, type TinyArch, type TinyDtype, type TinyModelOptions, type TinyRopeScaling } from '../../engine/models/tiny-model';
import { TINY_TOKENIZERS } from '../../engine/models/tiny-tokenizer';
import { createOutput } from '../output';
import { nonNegativeInt, oneOf, positiveInt, positiveNumber } from '../parse';

/** The command's flags are the generator's options, one to one, plus --json. */
type TinyModelFlags = TinyModelOptions & { json?: boolean };

export function registerDev(program: Command): void {
  const dev = program.command('dev').description('developer tools');
  dev
    .command('tiny-model')
    .description('write a tiny random model in the Hugging Face layout (for tests, benchmarks and trying the app)')
    .requiredOption('--out <dir>', 'output folder (new or empty)')
    .requiredOption('--arch <arch>', `architecture: ${Object.keys(TINY_ARCHITECTURES).join(', ')}`, oneOf(Object.keys(TINY_ARCHITECTURES) as TinyArch[]))
    .option('--hidden <n>', 'hidden size (default 64)', positiveInt)
    .option('--layers <n>', 'decoder layers (default 2)', positiveInt)
    .option('--heads <n>', 'attention heads (default 4)', positiveInt)
    .option('--kv-heads <n>', 'key/value heads, for grouped-query attention (default 2)', positiveInt)
    .option('--head-dim <n>', 'head dimension (default hidden / heads)', positiveInt)
    .option('--intermediate <n>', 'MLP intermediate size (default 3 x hidden)', positiveInt)
    .option('--tokenizer <kind>', `tokenizer: ${TINY_TOKENIZERS.join(', ')} (default byte-bpe)`, oneOf(TINY_TOKENIZERS))
    .option('--vocab <n>', 'vocabulary size (default 512; qwen3 tokenizer: 151936)', positiveInt)
    .option('--dtype <dtype>', 'weight dtype: F32, F16, BF16 (default F32)', oneOf<TinyDtype>(['F32', 'F16', 'BF16']))
    .option('--tie', 'tie the input embedding and the output head')
    .option('--shards <n>', 'number of weight files (default 1)', positiveInt)
    .option('--seed <n>', 'random seed (default 0)', nonNegativeInt)
    .option('--rope-theta <x>', 'RoPE base (default 10000)', positiveNumber)
    .option('--max-positions <n>', 'max_position_embeddings (default 2048)', positiveInt)
    .option('--rope-scaling <kind>', 'none, linear or llama3 (default none)', oneOf<TinyRopeScaling>(['none', 'linear', 'llama3']))
    .option('--sliding-window <n>', 'sliding attention window (mistral, qwen2, qwen3)', positiveInt)
    .option('--attention-bias', 'biases on q, k, v, o (llama, qwen3)')
    .option('--mlp-bias', 'biases on the MLP (llama)')
    .option('--rms-norm-eps <x>', 'RMSNorm epsilon (default 1e-6)', positiveNumber)
    .option('--init-std <x>', 'standard deviation of random weights (default 0.02)', positiveNumber)
    .option('--json', 'print the result as JSON')
    .action(async (flags: TinyModelFlags) => {
      const out = createOutput(Boolean(flags.json));
      const { json: _json, ...options } = flags;
      const dir = resolve(options.out);
      await generateTinyModel({ ...options, out: dir });
      out.result({ model: dir, arch: TINY_ARCHITECTURES[options.arch] }, () => `Wrote a tiny ${TINY_ARCHITECTURES[options.arch]} to ${dir}`);
    });
}
