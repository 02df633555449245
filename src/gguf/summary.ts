// A JSON-friendly digest of a model file: the hyperparameters a reader looks for first, every
// metadata entry (long arrays such as the vocabulary shortened to their length and first items),
// and the tensor directory with byte counts per type. Used by `lab inspect` and usable by the UI.
import { ggufModelSource, type ModelSource } from './model-source.ts';
import type { GGUFFile } from './reader.ts';
import { ggmlTypeName, SUPPORTED_TYPES, tensorByteSize } from './types.ts';
import { GGUFValueType, valueTypeName, type GGUFValue } from './values.ts';

export interface TensorSummary {
  name: string;
  dims: number[];
  type: string;
  bytes: number;
  /** Absolute file offset (GGUF input only). */
  offset?: number;
}

export interface ContainerInfo {
  source: string;
  fileBytes: number;
  format: 'gguf' | 'llama2c';
  ggufVersion?: number;
  alignment?: number;
}

export interface ModelSummary extends ContainerInfo {
  architecture: string | null;
  name: string | null;
  contextLength: number | null;
  embeddingLength: number | null;
  feedForwardLength: number | null;
  blockCount: number | null;
  headCount: number | null;
  headCountKv: number | null;
  headDim: number | null;
  vocabSize: number | null;
  fileType: number | null;
  /** llama.cpp's name for general.file_type, e.g. MOSTLY_Q8_0. */
  fileTypeName: string | null;
  /** Every `<arch>.rope.*` key (base, dimension count, scaling type/factor/original context...). */
  rope: Record<string, JsonValue>;
  metadata: Record<string, JsonValue>;
  tensors: TensorSummary[];
  tensorCount: number;
  parameters: number;
  bytesByType: Record<string, number>;
  tensorsByType: Record<string, number>;
  totalTensorBytes: number;
  unsupportedTensors: string[];
}

export type JsonValue = number | string | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** llama.cpp's llama_ftype names (general.file_type). */
const FILE_TYPE_NAMES: Record<number, string> = {
  0: 'ALL_F32',
  1: 'MOSTLY_F16',
  2: 'MOSTLY_Q4_0',
  3: 'MOSTLY_Q4_1',
  7: 'MOSTLY_Q8_0',
  8: 'MOSTLY_Q5_0',
  9: 'MOSTLY_Q5_1',
  10: 'MOSTLY_Q2_K',
  11: 'MOSTLY_Q3_K_S',
  12: 'MOSTLY_Q3_K_M',
  13: 'MOSTLY_Q3_K_L',
  14: 'MOSTLY_Q4_K_S',
  15: 'MOSTLY_Q4_K_M',
  16: 'MOSTLY_Q5_K_S',
  17: 'MOSTLY_Q5_K_M',
  18: 'MOSTLY_Q6_K',
  32: 'MOSTLY_BF16',
};

/** Arrays longer than this are shown as their length and first items. */
const ARRAY_PREVIEW = 8;

export function summarizeGGUF(file: GGUFFile): ModelSummary {
  const summary = summarizeModel(ggufModelSource(file), {
    source: file.source.name,
    fileBytes: file.source.size,
    format: 'gguf',
    ggufVersion: file.version,
    alignment: file.alignment,
  });
  summary.tensors.forEach((t, i) => (t.offset = file.tensors[i].offset));
  return summary;
}

/** The digest of any model source (a GGUF file or an imported llama2.c checkpoint). */
export function summarizeModel(model: ModelSource, container: ContainerInfo): ModelSummary {
  const m = new Map(model.metadata.map(([key, typed]) => [key, typed.value]));
  const elementTypes = new Map(model.metadata.map(([key, typed]) => [key, typed.elementType]));
  const arch = typeof m.get('general.architecture') === 'string' ? (m.get('general.architecture') as string) : null;
  const num = (key: string): number | null => {
    const v = m.get(arch ? `${arch}.${key}` : key);
    return typeof v === 'number' ? v : null;
  };
  const tokens = m.get('tokenizer.ggml.tokens');
  const embedding = num('embedding_length');
  const heads = num('attention.head_count');
  const fileType = typeof m.get('general.file_type') === 'number' ? (m.get('general.file_type') as number) : null;
  const metadata: Record<string, JsonValue> = {};
  const rope: Record<string, JsonValue> = {};
  for (const [key, value] of m) {
    metadata[key] = summarizeValue(value, elementTypes.get(key));
    if (arch && key.startsWith(`${arch}.rope.`)) rope[key.slice(arch.length + 1)] = metadata[key];
  }
  const bytesByType: Record<string, number> = {};
  const tensorsByType: Record<string, number> = {};
  const tensors: TensorSummary[] = model.tensors.map((t) => ({
    name: t.name,
    dims: t.dims,
    type: ggmlTypeName(t.type),
    bytes: tensorByteSize(t.type, t.nElements),
  }));
  for (const t of tensors) {
    bytesByType[t.type] = (bytesByType[t.type] ?? 0) + t.bytes;
    tensorsByType[t.type] = (tensorsByType[t.type] ?? 0) + 1;
  }
  return {
    ...container,
    architecture: arch,
    name: typeof m.get('general.name') === 'string' ? (m.get('general.name') as string) : null,
    contextLength: num('context_length'),
    embeddingLength: embedding,
    feedForwardLength: num('feed_forward_length'),
    blockCount: num('block_count'),
    headCount: heads,
    headCountKv: num('attention.head_count_kv') ?? heads,
    headDim: num('attention.key_length') ?? (embedding && heads ? embedding / heads : null),
    vocabSize: num('vocab_size') ?? (Array.isArray(tokens) ? tokens.length : null),
    fileType,
    fileTypeName: fileType === null ? null : (FILE_TYPE_NAMES[fileType] ?? 'unknown'),
    rope,
    metadata,
    tensors,
    tensorCount: tensors.length,
    parameters: model.tensors.reduce((sum, t) => sum + t.nElements, 0),
    bytesByType,
    tensorsByType,
    totalTensorBytes: tensors.reduce((sum, t) => sum + t.bytes, 0),
    unsupportedTensors: model.tensors.filter((t) => !SUPPORTED_TYPES.has(t.type)).map((t) => `${t.name} (${ggmlTypeName(t.type)})`),
  };
}

function summarizeValue(value: GGUFValue, elementType?: GGUFValueType): JsonValue {
  if (typeof value === 'bigint') return value.toString();
  if (!Array.isArray(value)) return value;
  const items = value.slice(0, ARRAY_PREVIEW).map((v) => summarizeValue(v));
  if (value.length <= ARRAY_PREVIEW) return items;
  return { array: valueTypeName(elementType ?? GGUFValueType.UINT8), length: value.length, first: items };
}
