// The tokenizer a model's GGUF metadata describes: encode text to ids exactly as llama.cpp's
// llama_tokenize does, decode ids back to text, and format chats with the model's template.
import { BpeEncoder } from './bpe.ts';
import { ChatTemplate, type ChatFormat, type ChatMessage, type ChatTemplateOptions } from './chat-template.ts';
import { StreamingDecoder, TokenBytes, type DecodeOptions } from './decode.ts';
import { SpecialTokenSplitter } from './special.ts';
import { byteTokenTable, tokenizeSpm } from './spm.ts';
import { readVocabulary, TokenizerError, TokenType, type TokenizerModel, type Vocabulary } from './vocab.ts';

export interface EncodeOptions {
  /** Prepend BOS. Default: the model's rule (tokenizer.ggml.add_bos_token). Never added twice. */
  addBos?: boolean;
  /** Append EOS. Default: the model's rule (tokenizer.ggml.add_eos_token). */
  addEos?: boolean;
  /** Turn control-token text such as "<s>" or "<|eot_id|>" into those tokens. Default false. */
  parseSpecial?: boolean;
}

export class Tokenizer {
  readonly model: TokenizerModel;
  readonly vocabSize: number;
  readonly bos: number | null;
  readonly eos: number | null;
  private readonly specials: SpecialTokenSplitter;
  private readonly bytes: TokenBytes;
  private readonly bpe: BpeEncoder | null;
  private readonly byteTokens: Int32Array;
  private readonly chatTemplate: ChatTemplate | null;

  constructor(private readonly vocab: Vocabulary) {
    this.model = vocab.model;
    this.vocabSize = vocab.tokens.length;
    this.bos = vocab.bos;
    this.eos = vocab.eos;
    this.specials = new SpecialTokenSplitter(vocab);
    this.bytes = new TokenBytes(vocab);
    this.bpe = vocab.model === 'gpt2' ? new BpeEncoder(vocab) : null;
    this.byteTokens = byteTokenTable(vocab);
    this.chatTemplate = vocab.chatTemplate === null ? null : new ChatTemplate(vocab.chatTemplate, this.specialTexts());
  }

  private specialTexts(): { bos: string; eos: string } {
    return {
      bos: this.vocab.bos === null ? '' : this.vocab.tokens[this.vocab.bos],
      eos: this.vocab.eos === null ? '' : this.vocab.tokens[this.vocab.eos],
    };
  }

  /** Whether encode() adds BOS / EOS when not told otherwise. */
  get addsBos(): boolean {
    return this.vocab.addBos;
  }

  get addsEos(): boolean {
    return this.vocab.addEos;
  }

  get hasChatTemplate(): boolean {
    return this.chatTemplate !== null;
  }

  /** The chat template with its special-token texts, for rendering chats elsewhere (the page), or null. */
  get chatFormat(): ChatFormat | null {
    return this.vocab.chatTemplate === null ? null : { template: this.vocab.chatTemplate, ...this.specialTexts() };
  }

  encode(text: string, options: EncodeOptions = {}): number[] {
    if (typeof text !== 'string') throw new TokenizerError(`encode() needs a string, got ${typeof text}`);
    const { addBos = this.vocab.addBos, addEos = this.vocab.addEos, parseSpecial = false } = options;
    if (addBos && this.bos === null) throw new TokenizerError('addBos is set, but the vocabulary has no BOS token');
    if (addEos && this.eos === null) throw new TokenizerError('addEos is set, but the vocabulary has no EOS token');

    const ids: number[] = [];
    const fragments = this.specials.split(text, parseSpecial);
    if (this.bpe) {
      for (const f of fragments) {
        if ('token' in f) ids.push(f.token);
        else this.bpe.encode(f.text, ids);
      }
    } else {
      // SentencePiece sees a space in front of the text and after every special token.
      let afterSpecial = true;
      for (const f of fragments) {
        if ('token' in f) {
          ids.push(f.token);
          afterSpecial = true;
          continue;
        }
        const spaced = this.vocab.addSpacePrefix && afterSpecial ? ' ' + f.text : f.text;
        tokenizeSpm(spaced.replaceAll(' ', '\u2581'), this.vocab, this.byteTokens, ids);
        afterSpecial = false;
      }
    }
    // llama.cpp would prepend a second BOS to text that already starts with one (and warn); we don't.
    if (addBos && ids[0] !== this.bos) ids.unshift(this.bos!);
    if (addEos && ids[ids.length - 1] !== this.eos) ids.push(this.eos!);
    return ids;
  }

  /** Text of `ids`; control tokens are dropped unless `special` is set. */
  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    const decoder = this.streamingDecoder(options);
    let text = '';
    for (const id of ids) text += decoder.push(id);
    return text + decoder.flush();
  }

  /** A decoder for generated ids arriving one at a time (see StreamingDecoder). */
  streamingDecoder(options: DecodeOptions = {}): StreamingDecoder {
    return new StreamingDecoder(this.vocab, this.bytes, options);
  }

  /**
   * What one token shows as text: spaces for '▁', byte-level characters decoded, control tokens as
   * their name ("<s>"). A lone byte of a multi-byte character shows as U+FFFD; use a
   * StreamingDecoder to join such bytes.
   */
  tokenToPiece(id: number): string {
    this.checkId(id);
    return new TextDecoder('utf-8', { ignoreBOM: true }).decode(this.bytes.get(id));
  }

  /** The bytes one token stands for. */
  tokenBytes(id: number): Uint8Array {
    this.checkId(id);
    return this.bytes.get(id).slice();
  }

  /** The token's spelling in the vocabulary ('▁the', 'Ġthe', '<0x0A>'). */
  tokenText(id: number): string {
    this.checkId(id);
    return this.vocab.tokens[id];
  }

  tokenType(id: number): TokenType {
    this.checkId(id);
    return this.vocab.types[id];
  }

  isControl(id: number): boolean {
    return this.tokenType(id) === TokenType.Control;
  }

  /** Whether generation should stop at this token (EOS, end-of-turn markers). */
  isEndOfGeneration(id: number): boolean {
    return this.vocab.endOfGeneration.has(id);
  }

  /** Formats a conversation as the model was trained to see it (a string to encode with parseSpecial). */
  applyChatTemplate(messages: ChatMessage[], options: ChatTemplateOptions = {}): string {
    if (!this.chatTemplate) throw new TokenizerError('this model has no chat template (tokenizer.chat_template is absent)');
    return this.chatTemplate.render(messages, options);
  }

  private checkId(id: number): void {
    if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
      throw new RangeError(`token id ${id} is out of range (vocabulary has ${this.vocabSize} tokens)`);
    }
  }
}

/** Builds the tokenizer described by GGUF metadata (the `tokenizer.*` keys). */
export function createTokenizer(metadata: Map<string, unknown>): Tokenizer {
  return new Tokenizer(readVocabulary(metadata));
}
