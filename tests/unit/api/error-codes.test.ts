import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callApi } from '../../../src/main/api/call';
import { ApiError, dispatch } from '../../../src/main/api/dispatch';
import { errorCode } from '../../../src/main/api/error-codes';
import { handlers, type Handlers } from '../../../src/main/api/handlers';
import { SavedValidationError } from '../../../src/main/api/saved-validation';
import { DatasetFileError, DatasetRowsError } from '../../../src/main/data/errors';
import { AdapterConfigError, AdapterLineageError } from '../../../src/main/engine/adapters/errors';
import { ValidationRowsError } from '../../../src/main/engine/generate/validation-prompts';
import { ModelConfigError, ModelFileError, UnsupportedArchitectureError } from '../../../src/main/engine/models/errors';
import { BusyError, MissingPathError, UserInputError } from '../../../src/main/request-errors';
import { InUseError, LineageError, NoValidCheckpointError, NotFoundError, RunStateError, SchemaFromFutureError } from '../../../src/main/store/errors';
import { createRun } from '../../../src/main/store/runs';
import { completeSettings } from '../../../src/main/store/run-options';
import { tinyDataFile, tinyModelFolder } from '../store/helpers/fixtures';
import { testContext } from './helpers/context';

const context = testContext();

/** dispatch with system.info replaced by a handler that throws `error`. */
function failingWith(error: unknown) {
  const table: Handlers = { ...handlers, 'system.info': () => Promise.reject(error) };
  return dispatch('system.info', {}, context, table);
}

function enoent(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOENT: no such file or directory, realpath '${path}'`), { code: 'ENOENT', syscall: 'realpath', path });
}

describe('API error codes', () => {
  it.each([
    ['an id not in the library', new NotFoundError('adapter', 9), 'not_found'],
    ['a path that is not there', new MissingPathError('/nowhere', 'folder'), 'not_found'],
    ['a file system ENOENT', enoent('/nowhere'), 'not_found'],
    ['deleting what is in use', new InUseError('model', 1, [{ kind: 'run', id: 2 }]), 'conflict'],
    ['a run in the wrong state', new RunStateError(3, 'completed', 'paused', 'Only a running run can be paused.'), 'conflict'],
    ['nothing to resume from', new NoValidCheckpointError(3, []), 'conflict'],
    ['a busy app', new BusyError('app', 'The app is shutting down.'), 'conflict'],
    ['input the schema could not judge', new UserInputError('name', 'A name cannot be empty.'), 'bad_request'],
    ['a folder that is not a model', new ModelFileError('/m/config.json', 'missing'), 'bad_request'],
    ['a bad model config', new ModelConfigError('/m/config.json', 'hidden_size', 'a number', '"x"'), 'bad_request'],
    ['an unsupported architecture', new UnsupportedArchitectureError('/m/config.json', 'GPT2LMHeadModel', ['LlamaForCausalLM']), 'bad_request'],
    ['an unreadable data file', new DatasetFileError('/d.bin', 'unknown file type'), 'bad_request'],
    ['bad data rows', new DatasetRowsError('/d.jsonl', [], 2), 'bad_request'],
    ['an adapter for another model (library)', new LineageError(1, 2, ['config'], 'trained on another model'), 'bad_request'],
    ['an adapter for another model (files)', new AdapterLineageError('/a', '/m', 'trained on another model'), 'bad_request'],
    ['an unreadable adapter config', new AdapterConfigError('/a/adapter_config.json', 'cannot read'), 'bad_request'],
    ['no validation rows', new ValidationRowsError('/d.jsonl', 'no conversation'), 'bad_request'],
    ['a damaged saved table', new SavedValidationError('/a/validation-samples.jsonl', 2, 'not valid JSON'), 'bad_request'],
  ])('answers %s with its code and its own message', async (_what, error, code) => {
    expect(await failingWith(error)).toEqual({ ok: false, error: { code, message: error.message } });
  });

  it('keeps a bug internal: a TypeError, a plain Error, a thrown string, an error the user cannot act on', async () => {
    // A real one, as a slip in a handler throws it.
    const typeError = (() => {
      try {
        return Reflect.get(null as unknown as object, 'x');
      } catch (error) {
        return error;
      }
    })();
    expect(typeError).toBeInstanceOf(TypeError);
    expect(await failingWith(typeError)).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(await failingWith(new Error('disk on fire'))).toEqual({ ok: false, error: { code: 'internal', message: 'disk on fire' } });
    expect(await failingWith('just a string')).toEqual({ ok: false, error: { code: 'internal', message: 'just a string' } });
    expect(errorCode(new SchemaFromFutureError('/l.sqlite', 9, 3))).toBe('internal');
    expect(errorCode(Object.assign(new Error('EACCES'), { code: 'EACCES' }))).toBe('internal');
  });

  it('passes an ApiError through unchanged', async () => {
    const body = { code: 'invalid_input' as const, message: 'nope', issues: [{ path: 'x', message: 'bad' }] };
    expect(await failingWith(new ApiError(body))).toEqual({ ok: false, error: body });
  });

  it('codes the failures of real handlers', async () => {
    const code = async (name: string, input: unknown) => {
      const result = await dispatch(name, input, context);
      return result.ok ? 'ok' : result.error.code;
    };
    expect(await code('models.get', { id: 99 })).toBe('not_found');
    expect(await code('adapters.rename', { id: 99, name: 'x' })).toBe('not_found');
    expect(await code('models.inspect', { path: '/nowhere/at/all' })).toBe('not_found');
    expect(await code('models.add', { path: '/nowhere/at/all' })).toBe('not_found');
    const empty = await mkdtemp(join(tmpdir(), 'hyperadapt-not-a-model-'));
    expect(await code('models.inspect', { path: empty })).toBe('bad_request');
    expect(await code('models.add', { path: empty })).toBe('bad_request');
    expect(await code('datasets.check', { path: empty })).toBe('bad_request'); // a folder, not a data file
    const unknownType = join(empty, 'data.xyz');
    await writeFile(unknownType, 'hello\n');
    expect(await code('datasets.add', { path: unknownType })).toBe('bad_request');
    expect(await code('folders.list', { path: unknownType })).toBe('bad_request'); // a file, not a folder

    // Deleting a model a run still uses: conflict, with the store's message.
    const { model } = await callApi(context, 'models.add', { path: await tinyModelFolder({ seed: 4 }), name: 'used' });
    const { dataset } = await callApi(context, 'datasets.add', { path: await tinyDataFile(8) });
    createRun(context.library.library, { name: 'user', modelId: model.id, datasetId: dataset.id, settings: completeSettings({}) });
    const refused = await dispatch('models.delete', { id: model.id }, context);
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/still used by run/) } });
    // callApi (the CLI's way in) throws the same message, now with the code beside it.
    await expect(callApi(context, 'models.delete', { id: model.id })).rejects.toMatchObject({ message: expect.stringMatching(/still used by run/), body: { code: 'conflict' } });
  });
});
