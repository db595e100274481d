/** Loading whole Hugging Face folders of every supported architecture, and the errors on bad ones. */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelConfigError, ModelFileError, UnsupportedArchitectureError } from '../../../src/main/engine/models/errors';
import { loadHfModel } from '../../../src/main/engine/models/hf-model';
import { tinyModel } from './helpers/tiny';

async function editConfig(dir: string, patch: Record<string, unknown>): Promise<void> {
  const path = join(dir, 'config.json');
  await writeFile(path, JSON.stringify({ ...(JSON.parse(await readFile(path, 'utf8')) as object), ...patch }));
}

describe('loadHfModel', () => {
  it.each([
    ['llama', 'LlamaForCausalLM', 21],
    ['mistral', 'MistralForCausalLM', 21],
    ['qwen2', 'Qwen2ForCausalLM', 27],
    ['qwen3', 'Qwen3ForCausalLM', 25],
  ] as const)('loads a %s folder', async (arch, architecture, tensorCount) => {
    const dir = await tinyModel({ arch, hidden: 32, heads: 4, kvHeads: 2, vocab: 400, shards: 2, dtype: 'F16' });
    const model = await loadHfModel(dir);
    expect(model.config.architecture).toBe(architecture);
    // embed + 2 layers x (2 norms + 7 linears [+ 3 biases] [+ q/k norms]) + final norm + lm_head
    expect(model.spec.tensors).toHaveLength(tensorCount);
    expect(model.weights.files).toHaveLength(2);
    expect(model.tokenizer.size).toBe(400);
    expect(model.eosTokenIds).toEqual([399, 397]); // generation_config.json: <|im_end|>, <|endoftext|>
    expect(model.chatTemplate!.render([{ role: 'user', content: 'x' }], { addGenerationPrompt: true })).toBe('<|im_start|>user\nx<|im_end|>\n<|im_start|>assistant\n');
  });

  it('names the missing config.json', async () => {
    const dir = await tinyModel({ arch: 'llama', hidden: 32, vocab: 300 });
    await rm(join(dir, 'config.json'));
    const error = await loadHfModel(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toBe(`${join(dir, 'config.json')}: missing model config (is this a Hugging Face model folder?)`);
  });

  it('refuses an unknown architecture, listing the supported ones', async () => {
    const dir = await tinyModel({ arch: 'llama', hidden: 32, vocab: 300 });
    await editConfig(dir, { architectures: ['Phi3ForCausalLM'] });
    const error = await loadHfModel(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedArchitectureError);
    expect((error as Error).message).toContain('"Phi3ForCausalLM" is not supported; supported architectures: LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM');
  });

  it('notices weights that do not fit the config', async () => {
    const dir = await tinyModel({ arch: 'llama', hidden: 32, vocab: 300 });
    await editConfig(dir, { attention_bias: true });
    await expect(loadHfModel(dir)).rejects.toThrow('missing 8 tensor(s): model.layers.0.self_attn.q_proj.bias, model.layers.0.self_attn.k_proj.bias');
  });

  it('refuses a vocab_size smaller than the tokenizer', async () => {
    const dir = await tinyModel({ arch: 'llama', hidden: 32, vocab: 300, tie: true });
    await editConfig(dir, { vocab_size: 299 });
    await rm(join(dir, 'model.safetensors'));
    await writeFile(join(dir, 'model.safetensors'), await readFile(join(await tinyModel({ arch: 'llama', hidden: 32, vocab: 299, tie: true }), 'model.safetensors')));
    const error = await loadHfModel(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelConfigError);
    expect((error as Error).message).toContain('field "vocab_size": expected at least the 300 ids of');
  });
});
