// Forward-only reader over a ByteSource for the GGUF header. It fetches the file in chunks and checks
// every length against the bytes that actually remain BEFORE reading or allocating, so a corrupted
// count fails at once with a message instead of a multi-GB allocation or a hang.
import { GGUFError } from './errors.ts';
import type { ByteSource } from './source.ts';

const CHUNK_BYTES = 1 << 20;
// ignoreBOM keeps a leading U+FEFF: it is a real token in SentencePiece vocabularies, not a marker.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class HeaderCursor {
  private buffer: Uint8Array = new Uint8Array(0);
  private view: DataView = new DataView(this.buffer.buffer);
  /** File offset of buffer[0]. */
  private bufferStart = 0;
  /** File offset of the next unread byte. */
  pos = 0;

  constructor(
    private readonly source: ByteSource,
    /** The header may not extend beyond this offset (a guard on memory, not a format rule). */
    private readonly maxHeaderBytes: number,
  ) {}

  /** Bytes between the cursor and the end of the file. */
  get remaining(): number {
    return this.source.size - this.pos;
  }

  /** Makes `n` bytes at the cursor available; `what` names the field for the error message. */
  async need(n: number, what: string): Promise<void> {
    if (n > this.remaining) {
      throw new GGUFError(`file truncated: ${what} needs ${n} bytes at offset ${this.pos}, but the file ends at ${this.source.size}`);
    }
    if (this.pos + n > this.maxHeaderBytes) {
      throw new GGUFError(`header too large: ${what} at offset ${this.pos} goes past the ${this.maxHeaderBytes}-byte metadata limit`);
    }
    const end = this.bufferStart + this.buffer.byteLength;
    if (this.pos >= this.bufferStart && this.pos + n <= end) return;
    const length = Math.min(Math.max(n, CHUNK_BYTES), this.source.size - this.pos);
    const bytes = await this.source.read(this.pos, length);
    this.buffer = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.bufferStart = this.pos;
  }

  private take(n: number): number {
    const at = this.pos - this.bufferStart;
    this.pos += n;
    return at;
  }

  u8(): number {
    return this.view.getUint8(this.take(1));
  }
  i8(): number {
    return this.view.getInt8(this.take(1));
  }
  u16(): number {
    return this.view.getUint16(this.take(2), true);
  }
  i16(): number {
    return this.view.getInt16(this.take(2), true);
  }
  u32(): number {
    return this.view.getUint32(this.take(4), true);
  }
  i32(): number {
    return this.view.getInt32(this.take(4), true);
  }
  f32(): number {
    return this.view.getFloat32(this.take(4), true);
  }
  f64(): number {
    return this.view.getFloat64(this.take(8), true);
  }
  /** A u64 as a number when exact, as a bigint beyond 2^53. */
  u64(): number | bigint {
    const v = this.view.getBigUint64(this.take(8), true);
    return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }
  i64(): number | bigint {
    const v = this.view.getBigInt64(this.take(8), true);
    return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
  }

  /** A u64 used as a count or size: must be a safe integer. */
  async count(what: string): Promise<number> {
    await this.need(8, what);
    const v = this.u64();
    if (typeof v === 'bigint') throw new GGUFError(`${what} ${v} is too large (over 2^53)`);
    return v;
  }

  /** A GGUF string: u64 byte length, then UTF-8 bytes. */
  async string(what: string): Promise<string> {
    const length = await this.count(`length of ${what}`);
    if (length > this.remaining) {
      throw new GGUFError(
        `${what}: string of ${length} bytes at offset ${this.pos} runs past the end of the file (${this.remaining} bytes left)`,
      );
    }
    await this.need(length, what);
    const at = this.take(length);
    try {
      return utf8.decode(this.buffer.subarray(at, at + length));
    } catch {
      throw new GGUFError(`${what}: string at offset ${this.pos - length} is not valid UTF-8`);
    }
  }
}
