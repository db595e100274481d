/** `hyperadapt data check`: the pre-flight report of a data file, before any training. */
import { resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { dataTokenizer } from '../../data/data-tokenizer';
import { checkDataset } from '../../data/dataset';
import { describeReport } from '../../data/describe-report';
import { loadHfModel } from '../../engine/models/hf-model';
import { TRAIN_DEFAULTS } from '../../engine/train/train-options';
import { addDataFlags, type DataFlags } from '../data-flags';
import { createOutput } from '../output';
import { fraction, nonNegativeInt, positiveInt } from '../parse';

interface CheckFlags extends DataFlags {
  model?: string;
  maxLength: number;
  valSplit: number;
  validationData?: string;
  seed: number;
  batchSize: number;
  gradAccum: number;
  show: number;
  json?: boolean;
}

export function registerData(program: Command): void {
  const data = program.command('data').description('check and inspect data files');
  const d = TRAIN_DEFAULTS;
  const check = data
    .command('check')
    .description('report every problem of a data file, row by row, and what training on it will look like')
    .argument('<file>', 'data file: .jsonl, .json, .csv, .tsv, .txt or .parquet')
    .option('--model <dir>', 'Hugging Face model folder: its tokenizer and chat template give token lengths and label masks');
  addDataFlags(check)
    .option('--max-length <n>', 'tokens per row in training; longer rows lose their tail', positiveInt, d.maxLength)
    .option('--val-split <x>', 'fraction of rows held out for validation', fraction, d.valSplit)
    .option('--validation-data <file>', 'a validation file instead of a split')
    .option('--seed <n>', 'seed of the validation split', nonNegativeInt, d.seed)
    .option('--batch-size <n>', 'rows per micro-batch, for the step estimate', positiveInt, d.batchSize)
    .option('--grad-accum <n>', 'micro-batches per step, for the step estimate', positiveInt, d.gradAccum)
    .option('--show <n>', 'issues listed per severity (all are counted)', nonNegativeInt, 20)
    .option('--json', 'print the report as one JSON object')
    .action(async (file: string, flags: CheckFlags) => {
      const out = createOutput(Boolean(flags.json));
      const tokenizer = flags.model ? dataTokenizer(await loadHfModel(resolve(flags.model))) : null;
      const bar = !flags.json && process.stderr.isTTY ? new SingleBar({ format: 'checking |{bar}| {percentage}% · {rows} rows', hideCursor: true, stream: process.stderr }) : null;
      bar?.start(100, 0, { rows: 0 });
      try {
        const report = await checkDataset(resolve(file), {
          format: flags.format,
          columns: flags.columns,
          textUnit: flags.textUnit,
          dropInvalidRows: flags.dropInvalidRows,
          tokenizer,
          maxLength: flags.maxLength,
          valSplit: flags.valSplit,
          seed: flags.seed,
          validationFile: flags.validationData ? resolve(flags.validationData) : undefined,
          batchSize: flags.batchSize,
          gradAccum: flags.gradAccum,
          onProgress: ({ rows, bytes, totalBytes }) => bar?.update(totalBytes ? Math.min(100, Math.round((100 * bytes) / totalBytes)) : 100, { rows }),
        });
        bar?.stop();
        out.result(report, () => describeReport(report, flags.show));
        // Errors fail the command, so a script can gate training on it.
        if (!report.ok) process.exitCode = 1;
      } finally {
        bar?.stop();
      }
    });
}
