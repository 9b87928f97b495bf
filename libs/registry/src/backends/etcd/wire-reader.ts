/**
 * A minimal reader of protobuf wire data (proto3), for the lean `RangeResponse` decoder in
 * `range-response.codec.ts`: varints, exact 64-bit decimals without BigInt, text, sub-messages. Pure.
 */

/** Wire types of protobuf fields. @internal */
export const VARINT = 0;
const FIXED64 = 1;
export const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

const TWO_32 = 2 ** 32;

/**
 * `high * 2^32 + low` in decimal, exact for any two 32-bit halves: in base 10^6 every step stays
 * an integer below 2^53 (2^32 = 4294 * 10^6 + 967296).
 */
function uint64Decimal(high: number, low: number): string {
  if (high < 2 ** 21) return String(high * TWO_32 + low);
  const below = low + high * 967_296;
  const digits = below % 1e6;
  return `${high * 4294 + (below - digits) / 1e6}${String(digits).padStart(6, '0')}`;
}

/** Reads protobuf wire data from `buffer[pos, end)`; throws on truncated or malformed input. @internal */
export class WireReader {
  constructor(
    private readonly buffer: Buffer,
    public pos: number,
    /** Where the message being read ends; narrowed by {@link enter} while a sub-message is read. */
    public end: number,
  ) {}

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** Where the varint at `pos` ends (the index after its last byte); throws when it is truncated or too long. */
  private varintEnd(): number {
    for (let i = this.pos; i < this.pos + 10; i++) {
      if (i >= this.end) throw new Error('RangeResponse: truncated varint');
      if (this.buffer[i]! < 0x80) return i + 1;
    }
    throw new Error('RangeResponse: varint longer than 10 bytes');
  }

  /** A varint as a number: exact up to 2^53, which tags, lengths and booleans never reach. */
  varint(): number {
    if (this.pos < this.end) {
      const first = this.buffer[this.pos]!;
      if (first < 0x80) {
        this.pos++;
        return first; // most tags and lengths
      }
    }
    const end = this.varintEnd();
    let value = 0;
    for (let i = end - 1; i >= this.pos; i--) value = value * 128 + (this.buffer[i]! & 0x7f);
    this.pos = end;
    return value;
  }

  /**
   * A 64-bit varint as a decimal string, exact, through its two 32-bit halves: etcd's lease ids
   * (on every key) pass 2^53, and BigInt cost more per key than parsing the value.
   */
  int64(signed: boolean): string {
    const end = this.varintEnd();
    let low = 0;
    let high = 0;
    for (let i = this.pos, scale = 1; i < end; i++, scale *= 128) {
      const bits = this.buffer[i]! & 0x7f;
      if (scale < 2 ** 28) low += bits * scale;
      else if (scale === 2 ** 28) {
        low += (bits & 0x0f) * scale;
        high = bits >> 4;
      } else high += ((bits * scale) / TWO_32) % TWO_32; // bits 64 and up of a 10th byte fall off
    }
    this.pos = end;
    if (!signed || high < 2 ** 31) return uint64Decimal(high, low);
    // Two's complement: the magnitude is 2^64 minus the unsigned value.
    return `-${uint64Decimal(TWO_32 - 1 - high + (low === 0 ? 1 : 0), low === 0 ? 0 : TWO_32 - low)}`;
  }

  /** Moves past a length-delimited field and returns where its bytes start (they end at `pos`). */
  private field(): number {
    const length = this.varint();
    const start = this.pos;
    if (start + length > this.end) throw new Error('RangeResponse: truncated field');
    this.pos = start + length;
    return start;
  }

  /**
   * Narrows the reader to the sub-message at `pos` (a length-delimited field) and returns the end
   * to restore after it: one reader walks every key of a page, with no allocation per key.
   */
  enter(): number {
    const start = this.field();
    const outer = this.end;
    this.end = this.pos;
    this.pos = start;
    return outer;
  }

  /** A length-delimited field as UTF-8 text (`toString`'s default encoding, its fastest path). */
  text(): string {
    const start = this.field();
    return this.buffer.toString(undefined, start, this.pos);
  }

  /** The first field `field` (length-delimited) of the message in `[pos, end)`, as bytes. */
  find(field: number): Buffer | undefined {
    while (!this.done) {
      const tag = this.varint();
      if (tag === (field << 3) + LENGTH_DELIMITED) return this.buffer.subarray(this.field(), this.pos);
      this.skip(tag % 8);
    }
    return undefined;
  }

  /** Moves past a field of an unused number. */
  skip(wireType: number): void {
    if (wireType === VARINT) this.pos = this.varintEnd();
    else if (wireType === LENGTH_DELIMITED) this.field();
    else if (wireType === FIXED64 || wireType === FIXED32) this.pos += wireType === FIXED64 ? 8 : 4;
    else throw new Error(`RangeResponse: unsupported wire type ${wireType}`);
    if (this.pos > this.end) throw new Error('RangeResponse: truncated field');
  }
}
