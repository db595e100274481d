/** Model identity for lineage: sha256 of config.json and of every weight file. */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readModelConfig } from '../../../src/main/engine/models/config';
import { computeModelIdentity } from '../../../src/main/engine/models/identity';
import { readWeightMap } from '../../../src/main/engine/models/weights';
import { tinyModel } from './helpers/tiny';

const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

describe('computeModelIdentity', () => {
  it('hashes config.json and each shard, sorted by name, and changes when a weight byte does', async () => {
    const dir = await tinyModel({ arch: 'mistral', hidden: 32, vocab: 300, shards: 2 });
    const identity = await computeModelIdentity(dir, await readModelConfig(dir), await readWeightMap(dir));
    const shards = ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'];
    expect(identity).toEqual({
      architecture: 'MistralForCausalLM',
      configSha256: await sha256(join(dir, 'config.json')),
      weightFiles: await Promise.all(
        shards.map(async (file) => ({ file, bytes: (await readFile(join(dir, file))).byteLength, sha256: await sha256(join(dir, file)) })),
      ),
    });

    const last = join(dir, shards[1]!);
    const bytes = await readFile(last);
    bytes[bytes.length - 1]! ^= 1;
    await writeFile(last, bytes);
    const changed = await computeModelIdentity(dir, await readModelConfig(dir), await readWeightMap(dir));
    expect(changed.weightFiles[0]).toEqual(identity.weightFiles[0]);
    expect(changed.weightFiles[1]!.sha256).not.toBe(identity.weightFiles[1]!.sha256);
  });
});
