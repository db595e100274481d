import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetDescriber } from '../../../src/main/data/describe-dataset';
import { charTokenizer } from './helpers/char-tokenizer';
import { FIXTURES } from './helpers/temp-files';

describe('datasetDescriber', () => {
  it('says what the library records: "<file type>:<format>", rows, token statistics and the report', async () => {
    const description = await datasetDescriber({ tokenizer: charTokenizer() })(join(FIXTURES, 'empty-completion.jsonl'));
    expect(description).toMatchObject({ format: 'jsonl:prompt-completion', rows: 2, tokenStats: { maxLength: 512 }, report: { ok: false, train: { errors: 1 } } });
    // The store keeps it as JSON: it must survive the round trip unchanged.
    expect(JSON.parse(JSON.stringify(description))).toEqual(description);
  });

  it('checks structure alone without a model', async () => {
    const description = await datasetDescriber()(join(FIXTURES, 'sharegpt.json'));
    expect(description).toMatchObject({ format: 'json:sharegpt', rows: 2, tokenStats: null, report: { ok: true, template: null } });
  });
});
