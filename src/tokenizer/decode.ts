// From ids back to text. Each token stands for bytes (a byte token for one byte, a byte-level BPE
// token for the bytes its characters spell), so text is decoded from the byte stream: a character
// split across byte tokens comes out whole once its last byte arrives.
import { fromByteLevel } from './byte-level.ts';
import { TokenType, type Vocabulary } from './vocab.ts';

const utf8 = new TextEncoder();
const EMPTY = new Uint8Array(0);

export interface DecodeOptions {
  /** Render control/unknown tokens (BOS, EOS, ...) as their text instead of dropping them. Default false. */
  special?: boolean;
  /**
   * The ids continue text decoded before (generated tokens after a prompt), so the first one's
   * leading space is real and is kept. Default false: the ids start a text.
   */
  continuing?: boolean;
}

/** Bytes of each token, computed on first use (vocabularies run to 128k tokens). */
export class TokenBytes {
  private readonly cache: (Uint8Array | undefined)[];

  constructor(private readonly vocab: Vocabulary) {
    this.cache = new Array(vocab.tokens.length);
  }

  /** The bytes a token contributes to text, as llama.cpp's token_to_piece with special = true. */
  get(id: number): Uint8Array {
    return (this.cache[id] ??= this.compute(id));
  }

  private compute(id: number): Uint8Array {
    const text = this.vocab.tokens[id];
    switch (this.vocab.types[id]) {
      case TokenType.Control:
      case TokenType.Unknown:
      case TokenType.UserDefined:
        return utf8.encode(text);
      case TokenType.Byte:
        return Uint8Array.of(parseByteToken(text, id));
      case TokenType.Normal:
        return this.vocab.model === 'llama' ? utf8.encode(text.replaceAll('\u2581', ' ')) : fromByteLevel(text);
      default:
        // llama.cpp prints nothing for unused/undefined tokens.
        return EMPTY;
    }
  }
}

function parseByteToken(text: string, id: number): number {
  const match = /^<0x([0-9A-Fa-f]{2})>$/.exec(text);
  if (match) return parseInt(match[1], 16);
  // A byte-level vocabulary may mark its single-byte characters as byte tokens.
  const bytes = fromByteLevel(text);
  if (bytes.length === 1) return bytes[0];
  throw new Error(`token ${id} '${text}' is typed as a byte token but is not of the form <0xXX>`);
}

/**
 * Turns ids into text incrementally, for streaming generation: push ids as they come, get back the
 * text that became complete. SentencePiece vocabularies get the space llama.cpp adds in front of
 * the text (and after each special token) removed again, so decode(encode(s)) === s.
 */
export class StreamingDecoder {
  // ignoreBOM keeps a leading U+FEFF: here it is text, not a byte-order mark.
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  private stripSpace: boolean;

  constructor(
    private readonly vocab: Vocabulary,
    private readonly bytes: TokenBytes,
    private readonly options: DecodeOptions = {},
  ) {
    this.stripSpace = vocab.addSpacePrefix && !options.continuing;
  }

  push(id: number): string {
    if (!Number.isInteger(id) || id < 0 || id >= this.vocab.tokens.length) {
      throw new RangeError(`token id ${id} is out of range (vocabulary has ${this.vocab.tokens.length} tokens)`);
    }
    const type = this.vocab.types[id];
    const isSpecial = type === TokenType.Control || type === TokenType.Unknown || type === TokenType.UserDefined;
    let piece = this.bytes.get(id);
    if (isSpecial) {
      this.stripSpace = this.vocab.addSpacePrefix;
      if (type !== TokenType.UserDefined && !this.options.special) return '';
    } else {
      if (this.stripSpace && piece[0] === 0x20) piece = piece.subarray(1);
      this.stripSpace = false;
    }
    return this.decoder.decode(piece, { stream: true });
  }

  /** Ends the stream: an unfinished UTF-8 sequence comes out as U+FFFD. */
  flush(): string {
    return this.decoder.decode();
  }
}
