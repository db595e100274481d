/**
 * Child process of the streaming test: checks the data file given as argument and prints, as
 * JSON, the peak V8 heap seen while doing so. Run: node --import tsx check-heap.ts FILE
 *
 * The tokenizer is a stand-in (one token per character, in a plain loop) so the measure is of
 * the readers and the report, not of a BPE implementation's speed.
 */
import { getHeapStatistics } from 'node:v8';
import { checkDataset } from '../../../../src/main/data/dataset';
import type { DataTokenizer } from '../../../../src/main/data/data-tokenizer';
import { ChatTemplate } from '../../../../src/main/engine/models/chat-template';

const END = '<e>';

function encode(text: string): number[] {
  const ids: number[] = [];
  let from = 0;
  for (let end = text.indexOf(END); ; end = text.indexOf(END, from)) {
    const stop = end === -1 ? text.length : end;
    for (let i = from; i < stop; i++) ids.push(text.charCodeAt(i) + 10);
    if (end === -1) return ids;
    ids.push(1);
    from = end + END.length;
  }
}

const tokenizer: DataTokenizer = {
  encode,
  bosTokenId: null,
  eosTokenId: 1,
  vocabSize: 70_000,
  template: new ChatTemplate("{% for m in messages %}<{{ m.role }}>{{ m.content }}<e>{% endfor %}{% if add_generation_prompt %}<assistant>{% endif %}", 'heap test', {}),
  templateKind: 'model',
  endOfTurn: [END],
};

async function main(): Promise<void> {
  const file = process.argv[2]!;
  let peak = 0;
  const sample = () => (peak = Math.max(peak, getHeapStatistics().used_heap_size));
  const started = performance.now();
  const report = await checkDataset(file, { tokenizer, maxLength: 4096, valSplit: 0.1, seed: 1, batchSize: 4, gradAccum: 1, onProgress: sample });
  sample();
  process.stdout.write(JSON.stringify({ peakHeapBytes: peak, rows: report.train.rows, seconds: (performance.now() - started) / 1000, tokens: report.train.tokens }) + '\n');
}

void main();
