/**
 * Which ApiErrorBody code a handler's failure gets, decided by the error's type in this one
 * table: what is missing is not_found, what the library's state forbids right now is conflict,
 * what was asked but cannot be done as given (a folder that is not a model, an unreadable data
 * file, an adapter for another base model) is bad_request. Anything else is a bug of ours and
 * stays internal. The message is the error's own either way.
 */
import { DatasetFileError, DatasetRowsError } from '../data/errors';
import { JsonLayoutError } from '../data/readers/json-elements';
import { AdapterConfigError, AdapterLineageError } from '../engine/adapters/errors';
import { GgufUnsupportedError } from '../engine/export/gguf/architectures';
import { UnsupportedTokenizerError } from '../engine/export/gguf/vocabulary';
import { ValidationRowsError } from '../engine/generate/validation-prompts';
import { ModelConfigError, ModelFileError, UnsupportedArchitectureError, WeightMismatchError } from '../engine/models/errors';
import { SafetensorsError } from '../engine/onnx/safetensors';
import { BusyError, MissingPathError, UserInputError } from '../request-errors';
import { InUseError, LineageError, NoValidCheckpointError, NotFoundError, RunStateError } from '../store/errors';
import type { ApiErrorBody } from './contract';
import { SavedValidationError } from './saved-validation';

export type ApiErrorCode = ApiErrorBody['code'];

type ErrorClass = abstract new (...args: never[]) => Error;

const CODES: readonly (readonly [ErrorClass, ApiErrorCode])[] = [
  [NotFoundError, 'not_found'], // an id not in the library
  [MissingPathError, 'not_found'], // a file or folder that is not there

  [InUseError, 'conflict'], // deleting what runs or adapters still use
  [RunStateError, 'conflict'], // pausing a finished run, deleting a running one
  [NoValidCheckpointError, 'conflict'], // resuming a run with nothing to resume from
  [BusyError, 'conflict'], // shutting down, a file changing while copied

  [UserInputError, 'bad_request'],
  [LineageError, 'bad_request'], // an adapter offered to another base model
  [AdapterLineageError, 'bad_request'],
  [AdapterConfigError, 'bad_request'],
  [ModelFileError, 'bad_request'], // a folder that is not a model
  [ModelConfigError, 'bad_request'],
  [UnsupportedArchitectureError, 'bad_request'],
  [WeightMismatchError, 'bad_request'],
  [SafetensorsError, 'bad_request'],
  [DatasetFileError, 'bad_request'], // a file that cannot be read as a dataset
  [DatasetRowsError, 'bad_request'],
  [JsonLayoutError, 'bad_request'],
  [ValidationRowsError, 'bad_request'],
  [SavedValidationError, 'bad_request'],
  [UnsupportedTokenizerError, 'bad_request'],
  [GgufUnsupportedError, 'bad_request'],
];

/** The code for a failure thrown by a handler; 'internal' unless its type says otherwise. */
export function errorCode(error: unknown): ApiErrorCode {
  for (const [type, code] of CODES) if (error instanceof type) return code;
  // A path someone named that is not there (an ENOENT from the file system) is missing, not broken.
  if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return 'not_found';
  return 'internal';
}

export function errorBody(error: unknown): ApiErrorBody {
  return { code: errorCode(error), message: error instanceof Error ? error.message : String(error) };
}
