/** `hyperadapt eval`: mean loss over the supervised tokens of a data file, base model or adapter. */
import type { Command } from 'commander';
import { createOnnxTrainingBackend } from '../../engine/train/onnx-backend';
import { runEvaluation, type EvalOptions } from '../../engine/train/run-evaluation';
import { TRAIN_DEFAULTS, type DeviceChoice } from '../../engine/train/train-options';
import { addDataFlags } from '../data-flags';
import { createOutput } from '../output';
import { oneOf, positiveInt } from '../parse';

export function registerEval(program: Command): void {
  const command = program
    .command('eval')
    .description('mean loss over the supervised tokens of a data file, for the base model or with an adapter')
    .requiredOption('--model <dir>', 'Hugging Face model folder')
    .requiredOption('--data <file>', 'data file: .jsonl, .json, .csv, .tsv, .txt or .parquet (formats as in `hyperadapt data check`)');
  addDataFlags(command)
    .option('--adapter <dir>', 'adapter folder (adapter_model.safetensors + adapter_config.json)')
    .option('--batch-size <n>', 'rows per micro-batch', positiveInt, TRAIN_DEFAULTS.batchSize)
    .option('--max-length <n>', 'tokens per row; longer rows lose their tail', positiveInt, TRAIN_DEFAULTS.maxLength)
    .option('--device <device>', 'auto, cpu or cuda', oneOf<DeviceChoice>(['auto', 'cpu', 'cuda']), TRAIN_DEFAULTS.device)
    .option('--threads <n>', 'onnxruntime threads (default: all cores)', positiveInt)
    .option('--json', 'print one JSON object')
    .action(async (flags: EvalOptions & { json?: boolean }) => {
      const { json, ...options } = flags;
      const out = createOutput(Boolean(json));
      const result = await runEvaluation(options, createOnnxTrainingBackend);
      out.result(
        { loss: result.loss, tokens: result.tokens, rows: result.rows, adapter: result.adapter, device: result.device },
        () => `loss ${result.loss.toFixed(6)} over ${result.tokens} supervised tokens in ${result.rows} rows (${result.adapter ? `adapter ${result.adapter}` : 'base model'}, ${result.device})`,
      );
    });
}
