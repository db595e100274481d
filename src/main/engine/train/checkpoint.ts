/**
 * Training checkpoints: everything a resumed run needs to continue exactly where it stopped.
 *
 * A checkpoint is a directory `step-00000042/` holding the flat parameter vector and the
 * AdamW moments (one safetensors file), the trainer state (JSON), any files the caller adds
 * (the adapter itself), and last a manifest with every file's size and sha256. It is built
 * under a temporary name and renamed into place, so a crash never leaves a directory that
 * looks complete; and a checkpoint whose files no longer match the manifest is refused.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../fs/atomic-write';
import { sha256File } from '../../fs/hash';
import { readSafetensorsHeader, readTensorFloat32 } from '../onnx/safetensors';
import { writeSafetensors } from '../onnx/safetensors-writer';
import type { EarlyStoppingState } from './early-stopping';
import type { AdamWState } from './optimizer';
import type { StreamPosition } from './row-stream';

export const CHECKPOINT_FORMAT = 1;
const STATE_FILE = 'trainer_state.json';
const TENSORS_FILE = 'optimizer_state.safetensors';
const MANIFEST_FILE = 'manifest.json';

export interface TrainerState {
  /** Optimizer steps completed. */
  step: number;
  stream: StreamPosition;
  earlyStopping: EarlyStoppingState;
  /** Supervised tokens and all tokens seen so far, for throughput and reporting. */
  tokensSeen: number;
  /** Identifies the training configuration; a resume with a different one is refused. */
  configFingerprint: string;
}

export interface CheckpointContents {
  state: TrainerState;
  params: Float32Array;
  optimizer: AdamWState;
}

/** Writes extra files (e.g. the adapter in its own format) into the checkpoint directory, before its manifest. */
export type WriteExtraFiles = (dir: string) => Promise<void>;

interface Manifest {
  format: number;
  step: number;
  files: Record<string, { bytes: number; sha256: string }>;
}

export function checkpointName(step: number): string {
  return `step-${String(step).padStart(8, '0')}`;
}

async function fsyncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes a checkpoint under `root` and returns its directory. */
export async function saveCheckpoint(root: string, contents: CheckpointContents, writeExtra?: WriteExtraFiles): Promise<string> {
  await mkdir(root, { recursive: true });
  const finalDir = join(root, checkpointName(contents.state.step));
  const tempDir = join(root, `.${checkpointName(contents.state.step)}.${randomBytes(4).toString('hex')}.tmp`);
  await mkdir(tempDir);
  try {
    const { params, optimizer } = contents;
    await writeSafetensors(join(tempDir, TENSORS_FILE), [
      { name: 'params', dtype: 'F32', shape: [params.length], data: params },
      { name: 'adam_m', dtype: 'F32', shape: [optimizer.m.length], data: optimizer.m },
      { name: 'adam_v', dtype: 'F32', shape: [optimizer.v.length], data: optimizer.v },
    ]);
    const stateJson = { format: CHECKPOINT_FORMAT, adamStep: optimizer.step, ...contents.state };
    await writeFileAtomic(join(tempDir, STATE_FILE), JSON.stringify(stateJson, null, 2));
    if (writeExtra) await writeExtra(tempDir);

    const manifest: Manifest = { format: CHECKPOINT_FORMAT, step: contents.state.step, files: {} };
    for (const name of (await readdir(tempDir)).sort()) {
      const path = join(tempDir, name);
      manifest.files[name] = { bytes: (await stat(path)).size, sha256: await sha256File(path) };
    }
    await writeFileAtomic(join(tempDir, MANIFEST_FILE), JSON.stringify(manifest, null, 2));
    // Saving the same step twice (a resumed run re-saving) replaces the older copy.
    await rm(finalDir, { recursive: true, force: true });
    await rename(tempDir, finalDir);
    await fsyncDirectory(root);
    return finalDir;
  } catch (error) {
    await rm(tempDir, { recursive: true, force: true });
    throw error;
  }
}

/** Checks every file against the manifest; returns null when valid, else why not. */
export async function verifyCheckpoint(dir: string): Promise<string | null> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
  } catch {
    return `${dir}: no readable ${MANIFEST_FILE} (the checkpoint was not finished)`;
  }
  if (manifest.format !== CHECKPOINT_FORMAT) return `${dir}: checkpoint format ${manifest.format}, expected ${CHECKPOINT_FORMAT}`;
  for (const [name, expected] of Object.entries(manifest.files)) {
    const path = join(dir, name);
    let bytes: number;
    try {
      bytes = (await stat(path)).size;
    } catch {
      return `${dir}: ${name} is missing`;
    }
    if (bytes !== expected.bytes) return `${dir}: ${name} has ${bytes} bytes, the manifest says ${expected.bytes}`;
    if ((await sha256File(path)) !== expected.sha256) return `${dir}: ${name} does not match its sha256 in the manifest`;
  }
  return null;
}

export async function loadCheckpoint(dir: string): Promise<CheckpointContents> {
  const problem = await verifyCheckpoint(dir);
  if (problem) throw new Error(`Cannot resume from this checkpoint: ${problem}`);
  const raw = JSON.parse(await readFile(join(dir, STATE_FILE), 'utf8')) as TrainerState & { format: number; adamStep: number };
  const header = await readSafetensorsHeader(join(dir, TENSORS_FILE));
  const [params, m, v] = await Promise.all(['params', 'adam_m', 'adam_v'].map((name) => readTensorFloat32(header, name)));
  const state: TrainerState = {
    step: raw.step,
    stream: raw.stream,
    earlyStopping: raw.earlyStopping,
    tokensSeen: raw.tokensSeen,
    configFingerprint: raw.configFingerprint,
  };
  return { state, params: params!, optimizer: { step: raw.adamStep, m: m!, v: v! } };
}

/** Finished checkpoint directories under root, newest first. */
export async function listCheckpoints(root: string): Promise<{ step: number; dir: string }[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return [];
  }
  return names
    .map((name) => ({ name, match: /^step-(\d{8})$/.exec(name) }))
    .filter((entry) => entry.match !== null)
    .map((entry) => ({ step: Number(entry.match![1]), dir: join(root, entry.name) }))
    .sort((a, b) => b.step - a.step);
}

/** The newest checkpoint that verifies, with the reasons any newer ones were passed over. */
export async function latestValidCheckpoint(root: string): Promise<{ dir: string | null; skipped: string[] }> {
  const skipped: string[] = [];
  for (const { dir } of await listCheckpoints(root)) {
    const problem = await verifyCheckpoint(dir);
    if (problem === null) return { dir, skipped };
    skipped.push(problem);
  }
  return { dir: null, skipped };
}

/** Keeps the newest `keep` checkpoints and removes leftovers of interrupted saves. */
export async function pruneCheckpoints(root: string, keep: number): Promise<void> {
  const all = await listCheckpoints(root);
  for (const { dir } of all.slice(keep)) await rm(dir, { recursive: true, force: true });
  for (const name of await readdir(root)) {
    if (/^\.step-\d{8}\..*\.tmp$/.test(name)) await rm(join(root, name), { recursive: true, force: true });
  }
}
