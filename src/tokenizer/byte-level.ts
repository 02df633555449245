// GPT-2's reversible byte ↔ character mapping: byte-level BPE vocabularies spell every byte as a
// printable character (bytes that are already printable map to themselves, the rest to U+0100…),
// so a token's text is its bytes in disguise. Same table as llama.cpp's unicode_byte_to_utf8_map.

function buildByteToChar(): string[] {
  const table: string[] = new Array(256);
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  let extra = 0;
  for (let b = 0; b < 256; b++) table[b] = String.fromCharCode(printable(b) ? b : 256 + extra++);
  return table;
}

export const BYTE_TO_CHAR: readonly string[] = buildByteToChar();

export const CHAR_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_CHAR.map((c, b) => [c, b]));

const utf8 = new TextEncoder();

/** The byte-level spelling of `text`: its UTF-8 bytes, each as its GPT-2 character. */
export function toByteLevel(text: string): string {
  let out = '';
  for (const byte of utf8.encode(text)) out += BYTE_TO_CHAR[byte];
  return out;
}

/**
 * The bytes a byte-level token spells. A character outside the table (a malformed vocabulary)
 * contributes its own UTF-8 bytes, so nothing is silently dropped.
 */
export function fromByteLevel(text: string): Uint8Array {
  const bytes: number[] = [];
  for (const ch of text) {
    const byte = CHAR_TO_BYTE.get(ch);
    if (byte !== undefined) bytes.push(byte);
    else bytes.push(...utf8.encode(ch));
  }
  return Uint8Array.from(bytes);
}
