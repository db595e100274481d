/**
 * "Try it": the same prompt through an adapter's base model and the adapter, streamed side by
 * side. Like contract.ts, free of Node imports (the renderer typechecks it).
 */
import * as v from 'valibot';
import { method } from './method';

export type TryPane = 'base' | 'adapted';

/** How one pane ended, in the figures the screen shows under it. */
export interface TryPaneResult {
  text: string;
  /** eos: the model ended its answer; stop: a stop string; length: the token limit; context: the model's context is full. */
  reason: 'eos' | 'stop' | 'length' | 'context';
  tokens: number;
  promptTokens: number;
  tokensPerSecond: number;
}

export interface TryStarted {
  /** Names this comparison in its try.* events. */
  requestId: string;
  /** True when the prompt went through the model's chat template as a user message. */
  chat: boolean;
}

export interface TryTokenEvent {
  requestId: string;
  pane: TryPane;
  text: string;
}

export interface TryDoneEvent {
  requestId: string;
  pane: TryPane;
  result: TryPaneResult;
}

/** Once per comparison, after its panes: finished, stopped by try.cancel, or failed (with why). */
export interface TryEndEvent {
  requestId: string;
  outcome: 'completed' | 'cancelled' | 'failed';
  message: string | null;
}

/** One validation row through both panes, as the comparison table shows it. */
export interface ValidationSample {
  /** The row's line (or row number) in the data file. */
  line: number;
  /** The prompt as the user would read it: the conversation's last message before the answer. */
  prompt: string;
  reference: string | null;
  base: string;
  adapted: string;
}

export interface ValidationResult {
  adapterId: number;
  /** Names this run for try.cancel and in its try.validationProgress events. */
  requestId: string;
  /** The data file the rows come from. */
  source: string;
  /**
   * The JSONL file the records were written to, kept in the adapter's library folder for review;
   * null when the run was stopped early (a cut-short table is not saved; any earlier one stays).
   */
  out: string | null;
  /** The rows asked for; samples holds fewer when stoppedEarly. */
  total: number;
  /** try.cancel stopped it after the row it was on. */
  stoppedEarly: boolean;
  samples: ValidationSample[];
}

/** The table try.validation last saved for an adapter, as try.savedValidation reads it back. */
export interface SavedValidation {
  adapterId: number;
  /** The JSONL file in the adapter's library folder. */
  out: string;
  /** When it was written (ISO 8601, the file's modification time). */
  madeAt: string;
  samples: ValidationSample[];
}

/** After each validation row, while try.validation runs. */
export interface TryValidationProgressEvent {
  adapterId: number;
  requestId: string;
  done: number;
  total: number;
  sample: ValidationSample;
}

const id = v.pipe(v.number(), v.integer(), v.minValue(1));
const requestId = v.pipe(v.string(), v.minLength(1), v.maxLength(100));

export const tryMethods = {
  'try.compare': method<TryStarted>()(
    "Runs a prompt through an adapter's base model and the adapter side by side (the chat template when the model has one); text streams as try.token events, each pane ends with try.done and the comparison with try.end.",
    v.strictObject({
      adapterId: id,
      prompt: v.pipe(v.string(), v.trim(), v.minLength(1, 'Type a prompt first.'), v.maxLength(20_000)),
      maxNewTokens: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(4096))),
      temperature: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(5))),
      seed: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
    }),
  ),
  'try.validation': method<ValidationResult>()(
    "Runs the prompts of the rows the adapter was validated on through its base model and the adapter (greedy), writes them as JSONL into the adapter's library folder and answers with every row; a try.validationProgress event follows each row.",
    v.strictObject({
      adapterId: id,
      /** Chosen by the caller, so it can cancel before the call answers; one is made when absent. */
      requestId: v.optional(requestId),
      maxPrompts: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(200))),
      maxNewTokens: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1024))),
    }),
  ),
  'try.cancel': method<{ cancelled: boolean }>()(
    'Stops a comparison after its current token, or a validation run after its current row (try.validation then answers with the rows done); false when it had already ended.',
    v.strictObject({ requestId }),
  ),
  'try.savedValidation': method<{ saved: SavedValidation | null }>()(
    "The validation-sample table last saved in the adapter's library folder, read back with when it was made; null when there is none.",
    v.strictObject({ adapterId: id }),
  ),
} as const;

export interface TryEvents {
  'try.token': TryTokenEvent;
  'try.done': TryDoneEvent;
  'try.end': TryEndEvent;
  'try.validationProgress': TryValidationProgressEvent;
}
