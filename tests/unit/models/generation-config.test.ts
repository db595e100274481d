/** generation_config.json: optional, eos_token_id as an id or a list. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelConfigError } from '../../../src/main/engine/models/errors';
import { readGenerationConfig } from '../../../src/main/engine/models/generation-config';
import { freshDir } from './helpers/tiny';

async function withGenerationConfig(json: unknown): Promise<string> {
  const dir = await freshDir();
  await mkdir(dir);
  await writeFile(join(dir, 'generation_config.json'), JSON.stringify(json));
  return dir;
}

describe('readGenerationConfig', () => {
  it('reads eos_token_id as one id or a list, and the sampling defaults', async () => {
    const one = await readGenerationConfig(await withGenerationConfig({ bos_token_id: 1, eos_token_id: 2, temperature: 0.7, top_p: 0.8, top_k: 20 }));
    expect(one).toMatchObject({ bosTokenId: 1, eosTokenIds: [2], padTokenId: null, temperature: 0.7, topP: 0.8, topK: 20, doSample: null });
    const many = await readGenerationConfig(await withGenerationConfig({ eos_token_id: [151645, 151643], pad_token_id: 151643, do_sample: true }));
    expect(many).toMatchObject({ eosTokenIds: [151645, 151643], padTokenId: 151643, doSample: true });
  });

  it('is optional', async () => {
    const dir = await freshDir();
    await mkdir(dir);
    expect(await readGenerationConfig(dir)).toMatchObject({ file: null, eosTokenIds: [], bosTokenId: null });
  });

  it('names a malformed field', async () => {
    const dir = await withGenerationConfig({ eos_token_id: ['</s>'] });
    const error = await readGenerationConfig(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelConfigError);
    expect((error as Error).message).toBe(`${join(dir, 'generation_config.json')}: field "eos_token_id": expected a token id or a list of token ids, found ["</s>"]`);
  });
});
