// Public API of the GGUF layer (browser-safe; Node file access lives in source-node.ts).
export { GGUFError } from './errors.ts';
export { blobSource, bytesSource, urlSource, type ByteSource, type UrlSourceOptions } from './source.ts';
export { GGMLType, QK_K, SUPPORTED_TYPES, ggmlTypeName, isKnownType, tensorByteSize, typeInfo, type TypeInfo } from './types.ts';
export { GGUFValueType, valueTypeName, type GGUFTypedValue, type GGUFValue } from './values.ts';
export { readGGUF, type GGUFFile, type ReadGGUFOptions } from './reader.ts';
export type { GGUFTensorInfo } from './tensor-infos.ts';
export { readTensorBytes } from './tensor-data.ts';
export { QUANTIZABLE_TYPES, bf16ToF32, dequantize, f16ToF32, f32ToF16, quantize, type QuantizableType } from './quants/index.ts';
export {
  encodeGGUFHeader,
  meta,
  writeGGUF,
  writeGGUFStream,
  type GGUFMetadataToWrite,
  type GGUFTensorDescriptor,
  type GGUFTensorToWrite,
} from './writer.ts';
export { ggufModelSource, writeModelStream, type ModelSource, type TensorSource } from './model-source.ts';
export { readLlama2c, readLlama2cConfig, readLlama2cTokenizer, type Llama2cConfig, type Llama2cOptions } from './llama2c.ts';
export { CONVERT_TARGETS, convertModel, targetTypeFor, type ConvertTarget } from './convert.ts';
export { summarizeGGUF, summarizeModel, type ContainerInfo, type JsonValue, type ModelSummary, type TensorSummary } from './summary.ts';
