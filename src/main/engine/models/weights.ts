/**
 * The weight map of a Hugging Face folder: tensor name -> the safetensors file holding it and its
 * absolute byte range there (what ONNX external data points at). One model.safetensors, or
 * model.safetensors.index.json plus the shards it names, as transformers looks for them (single
 * file first). Only headers are read.
 */
import { readdir } from 'node:fs/promises';
import { isAbsolute, join, normalize } from 'node:path';
import { type DtypeMismatch, ModelFileError, type ShapeMismatch, WeightMismatchError } from './errors';
import { describeJson, isJsonObject, readJsonObject } from './json-file';
import type { ModelSpec } from './spec';
import { readSafetensorsHeader, type SafetensorsHeader, type SafetensorsTensorInfo } from '../onnx/safetensors';
import { pathExists } from '../../fs/exists';

export const SINGLE_WEIGHTS_FILE = 'model.safetensors';
export const WEIGHTS_INDEX_FILE = 'model.safetensors.index.json';

/** Stored dtypes the forward can widen to float32. */
const FLOAT_DTYPES: readonly string[] = ['F32', 'F16', 'BF16'];

export interface WeightEntry {
  readonly name: string;
  /** The safetensors file relative to the model folder: ONNX external data's `location`. */
  readonly file: string;
  /** Absolute path of that file. */
  readonly path: string;
  /** dtype, shape, and the absolute byte range in the file (external data's offset and length). */
  readonly info: SafetensorsTensorInfo;
}

export interface WeightMap {
  readonly dir: string;
  /** Weight files relative to `dir`, in the order first named. */
  readonly files: readonly string[];
  readonly headers: ReadonlyMap<string, SafetensorsHeader>;
  readonly tensors: ReadonlyMap<string, WeightEntry>;
}

/** Reads the headers of every weight file in `dir`. */
export async function readWeightMap(dir: string): Promise<WeightMap> {
  if (await pathExists(join(dir, SINGLE_WEIGHTS_FILE))) return mapFiles(dir, [SINGLE_WEIGHTS_FILE], null);
  const indexPath = join(dir, WEIGHTS_INDEX_FILE);
  if (await pathExists(indexPath)) return mapFiles(dir, null, await readIndex(indexPath));
  throw new ModelFileError(dir, `no ${SINGLE_WEIGHTS_FILE} or ${WEIGHTS_INDEX_FILE}`, await describeOtherWeights(dir));
}

/** The entry for `name`, or an error naming the folder. */
export function weightEntry(map: WeightMap, name: string): WeightEntry {
  const entry = map.tensors.get(name);
  if (!entry) throw new WeightMismatchError(map.dir, [name], [], []);
  return entry;
}

/** Verifies that every tensor the spec needs exists, with its shape and a float dtype. */
export function checkWeights(spec: ModelSpec, map: WeightMap): void {
  const missing: string[] = [];
  const mismatched: ShapeMismatch[] = [];
  const badDtypes: DtypeMismatch[] = [];
  for (const { name, shape } of spec.tensors) {
    const entry = map.tensors.get(name);
    if (!entry) {
      missing.push(name);
      continue;
    }
    const found = entry.info.shape;
    if (found.length !== shape.length || found.some((d, i) => d !== shape[i])) mismatched.push({ name, file: entry.file, expected: shape, found });
    if (!FLOAT_DTYPES.includes(entry.info.dtype)) badDtypes.push({ name, file: entry.file, found: entry.info.dtype });
  }
  if (missing.length + mismatched.length + badDtypes.length > 0) throw new WeightMismatchError(map.dir, missing, mismatched, badDtypes);
}

/** Index: tensor name -> shard file, each file a relative path inside the model folder. */
async function readIndex(indexPath: string): Promise<Map<string, string>> {
  const index = await readJsonObject(indexPath, 'weight index');
  const weightMap = index.weight_map;
  if (!isJsonObject(weightMap) || Object.keys(weightMap).length === 0) {
    throw new ModelFileError(indexPath, `expected "weight_map" to be an object of tensor name -> file, found ${describeJson(weightMap)}`);
  }
  const byName = new Map<string, string>();
  for (const [name, file] of Object.entries(weightMap)) {
    if (typeof file !== 'string' || !isInside(file)) {
      throw new ModelFileError(indexPath, `weight_map["${name}"] must be a file name inside the model folder, found ${describeJson(file)}`);
    }
    byName.set(name, file);
  }
  return byName;
}

/**
 * Reads each file's header and maps tensors to it. With an index, every listed tensor must be in
 * the shard it names; without one, every tensor of the single file is taken.
 */
async function mapFiles(dir: string, single: string[] | null, index: Map<string, string> | null): Promise<WeightMap> {
  const files = single ?? [...new Set(index!.values())];
  const headers = new Map<string, SafetensorsHeader>();
  for (const file of files) {
    const path = join(dir, file);
    if (index && !(await pathExists(path))) {
      const listed = [...index].filter(([, f]) => f === file).map(([n]) => n);
      throw new ModelFileError(path, `missing weight shard named by ${WEIGHTS_INDEX_FILE} for ${listed.length} tensor(s), e.g. ${listed[0]}`);
    }
    headers.set(file, await readSafetensorsHeader(path));
  }
  const tensors = new Map<string, WeightEntry>();
  const add = (name: string, file: string, info: SafetensorsTensorInfo): void => {
    tensors.set(name, { name, file, path: join(dir, file), info });
  };
  if (index) {
    for (const [name, file] of index) {
      const info = headers.get(file)!.tensors.find((t) => t.name === name);
      if (!info) throw new ModelFileError(join(dir, file), `${WEIGHTS_INDEX_FILE} says this shard holds "${name}", but it does not`);
      add(name, file, info);
    }
  } else {
    for (const [file, header] of headers) for (const info of header.tensors) add(info.name, file, info);
  }
  return { dir, files, headers, tensors };
}

/** A relative path that stays inside the folder (onnxruntime refuses others for external data too). */
function isInside(file: string): boolean {
  return file !== '' && !isAbsolute(file) && !normalize(file).split(/[\\/]/).includes('..');
}

/** A hint about weights in formats we do not read. */
async function describeOtherWeights(dir: string): Promise<string> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const other = names.filter((n) => /\.(bin|pt|pth|gguf|h5|msgpack)$/.test(n) || n === 'pytorch_model.bin.index.json');
  if (other.length > 0) return `found ${other.join(', ')}: only safetensors weights are supported; convert the checkpoint to safetensors first`;
  return 'the folder holds no weights; download the model files, including the .safetensors weights';
}
