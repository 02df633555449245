// A trained vocabulary as a vocabulary-only GGUF (metadata, no tensors), the form llama.cpp ships its
// test vocabularies in: tokenizer.ggml.* keys as a Llama 2 SentencePiece model has them, so the lab's
// tokenizer (src/tokenizer/vocab.ts) and `lab convert --tokenizer` read it like any model's vocabulary.
import { GGUFValueType, type GGUFTypedValue } from '../../src/gguf/values.ts';
import { meta, writeGGUF } from '../../src/gguf/writer.ts';
import { BOS_ID, type TrainedVocabulary } from './train-bpe.ts';

export function vocabularyMetadata(vocab: TrainedVocabulary, name: string): Array<[string, GGUFTypedValue]> {
  return [
    ['general.name', meta.str(name)],
    ['tokenizer.ggml.model', meta.str('llama')],
    ['tokenizer.ggml.tokens', meta.array(GGUFValueType.STRING, vocab.tokens)],
    ['tokenizer.ggml.scores', meta.array(GGUFValueType.FLOAT32, vocab.scores.map(Math.fround))],
    ['tokenizer.ggml.token_type', meta.array(GGUFValueType.INT32, vocab.types)],
    ['tokenizer.ggml.unknown_token_id', meta.u32(0)],
    ['tokenizer.ggml.bos_token_id', meta.u32(BOS_ID)],
    ['tokenizer.ggml.eos_token_id', meta.u32(2)],
    ['tokenizer.ggml.add_bos_token', meta.bool(true)],
    ['tokenizer.ggml.add_eos_token', meta.bool(false)],
  ];
}

/** The whole vocabulary GGUF file. */
export function vocabularyGGUF(vocab: TrainedVocabulary, name: string): Uint8Array<ArrayBuffer> {
  return writeGGUF(vocabularyMetadata(vocab, name), []);
}
