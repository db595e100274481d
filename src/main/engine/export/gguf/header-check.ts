/**
 * Reads a written GGUF back with @huggingface/gguf, an implementation independent of our writer,
 * and checks what llama.cpp would rely on: architecture, every tensor's name, shape and type in
 * order, the vocabulary's length, and the chat template.
 */
import { gguf } from '@huggingface/gguf';
import type { HfModel } from '../../models/hf-model';
import type { PlannedTensor } from './tensor-plan';

export async function checkGgufHeader(path: string, model: HfModel, plan: readonly PlannedTensor[]): Promise<void> {
  const parsed = await gguf(path, { allowLocalFile: true });
  // The library types metadata per known architecture; we check keys by name, so read it as a record.
  const metadata = parsed.metadata as unknown as Record<string, unknown>;
  const tensorInfos = parsed.tensorInfos;
  const problems: string[] = [];
  const arch = metadata['general.architecture'];
  const tokens = metadata['tokenizer.ggml.tokens'];
  if (!Array.isArray(tokens) || tokens.length !== model.config.vocabSize) problems.push(`expected ${model.config.vocabSize} tokens, found ${Array.isArray(tokens) ? tokens.length : 'none'}`);
  if (model.chatTemplate && metadata['tokenizer.chat_template'] !== model.chatTemplate.source) problems.push('the chat template differs');
  if (metadata[`${arch}.block_count`] !== model.config.numLayers) problems.push(`expected ${model.config.numLayers} blocks, found ${String(metadata[`${arch}.block_count`])}`);
  if (tensorInfos.length !== plan.length) problems.push(`expected ${plan.length} tensors, found ${tensorInfos.length}`);
  plan.forEach((t, i) => {
    const info = tensorInfos[i];
    const shape = info?.shape.map(Number).reverse().join(',');
    if (!info || info.name !== t.name || shape !== t.shape.join(',') || Number(info.dtype) !== t.type) {
      problems.push(`tensor ${i}: expected ${t.name} [${t.shape.join(', ')}] type ${t.type}, found ${info ? `${info.name} [${shape}] type ${info.dtype}` : 'nothing'}`);
    }
  });
  if (problems.length > 0) throw new Error(`${path}: the GGUF file does not read back as written (@huggingface/gguf): ${problems.slice(0, 5).join('; ')}`);
}
