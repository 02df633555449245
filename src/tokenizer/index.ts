// Public API of the tokenizer module: tokenizers built from GGUF metadata, matching llama.cpp.
export { createTokenizer, Tokenizer, type EncodeOptions } from './tokenizer.ts';
export { StreamingDecoder, type DecodeOptions } from './decode.ts';
export { TokenizerError, TokenType, type TokenizerModel } from './vocab.ts';
export { renderChat, type ChatFormat, type ChatMessage, type ChatTemplateOptions } from './chat-template.ts';
