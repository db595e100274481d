/**
 * GGUF, transcribed from the spec (https://github.com/ggml-org/ggml/blob/master/docs/gguf.md) and
 * llama.cpp's gguf-py constants. All integers are little-endian.
 *
 *   u32 magic "GGUF" | u32 version (3) | u64 tensor count | u64 metadata count
 *   metadata: string key, u32 value type, value          (string = u64 byte length + UTF-8 bytes)
 *   tensor infos: string name, u32 n_dims, u64 ne[n_dims] (ne[0] is the fastest-varying dimension,
 *                 i.e. a row-major [out, in] matrix has ne = [in, out]), u32 ggml type,
 *                 u64 offset from the start of the data section (a multiple of the alignment)
 *   padding to the alignment, then the data section.
 */

/** "GGUF" read as a little-endian u32. */
export const GGUF_MAGIC = 0x46554747;
export const GGUF_VERSION = 3;
/** general.alignment's default; every tensor's data starts at a multiple of it. */
export const GGUF_ALIGNMENT = 32;

/** Metadata value types (gguf.md, enum gguf_metadata_value_type). */
export enum GgufValueType {
  UINT8 = 0,
  INT8 = 1,
  UINT16 = 2,
  INT16 = 3,
  UINT32 = 4,
  INT32 = 5,
  FLOAT32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
  UINT64 = 10,
  INT64 = 11,
  FLOAT64 = 12,
}

/** The ggml tensor types we write (ggml.h, enum ggml_type). */
export enum GgmlType {
  F32 = 0,
  F16 = 1,
  Q8_0 = 8,
  BF16 = 30,
}

/** Elements per block and bytes per block of each type (ggml.c type_traits). */
export const GGML_BLOCKS: Readonly<Record<GgmlType, { readonly elements: number; readonly bytes: number }>> = {
  [GgmlType.F32]: { elements: 1, bytes: 4 },
  [GgmlType.F16]: { elements: 1, bytes: 2 },
  // block_q8_0: ggml_half d; int8_t qs[32]
  [GgmlType.Q8_0]: { elements: 32, bytes: 34 },
  [GgmlType.BF16]: { elements: 1, bytes: 2 },
};

/** general.file_type: the type most tensors have (llama.h, enum llama_ftype). */
export enum LlamaFileType {
  ALL_F32 = 0,
  MOSTLY_F16 = 1,
  MOSTLY_Q8_0 = 7,
  MOSTLY_BF16 = 32,
}

/** tokenizer.ggml.token_type values (llama.h, enum llama_token_type). */
export enum TokenType {
  NORMAL = 1,
  UNKNOWN = 2,
  CONTROL = 3,
  USER_DEFINED = 4,
  UNUSED = 5,
  BYTE = 6,
}

/** ggml's quantization format version, written as general.quantization_version. */
export const GGML_QUANTIZATION_VERSION = 2;
