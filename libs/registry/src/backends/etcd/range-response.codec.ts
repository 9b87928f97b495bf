import type { BackendEntry } from '../registry-backend.js';

/**
 * A lean decoder of etcd's `RangeResponse` (etcdserverpb, proto3 wire format) for prefix reads.
 * It keeps only what the registry uses (the header's revision and cluster id; each key, value and
 * lease; `more`) and makes keys and values strings straight from the message bytes. `etcd3`'s
 * generic decoder builds two Buffers and four 64-bit decimal strings per key first, which cost
 * more than the registry's own decoding of the values (bench figure [6]). Pure. @internal
 */

/** One page of a prefix read. @internal */
export interface RangePage {
  /** Store revision the page was read at (int64, decimal). */
  readonly revision: string;
  /** Id of the cluster that answered (uint64, decimal). */
  readonly clusterId: string;
  /** Keys and values as UTF-8 text (invalid bytes become U+FFFD, as `Buffer#toString` does); `lease` only when not 0. */
  readonly kvs: BackendEntry[];
  /** Whether keys remain beyond this page. */
  readonly more: boolean;
  /** The last key's bytes as stored (the next page starts after it, even when they are not UTF-8). */
  readonly lastKey: Buffer | undefined;
}

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
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

/** Reads protobuf wire data from `buffer[pos, end)`; throws on truncated or malformed input. */
class WireReader {
  constructor(
    private readonly buffer: Buffer,
    public pos: number,
    private readonly end: number,
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

  /** The bounds of a length-delimited field's bytes; moves past them. */
  bytes(): [start: number, end: number] {
    const length = this.varint();
    const start = this.pos;
    if (start + length > this.end) throw new Error('RangeResponse: truncated field');
    this.pos = start + length;
    return [start, this.pos];
  }

  text(): string {
    const [start, end] = this.bytes();
    return this.buffer.toString('utf8', start, end);
  }

  /** The first field `field` (length-delimited) of the message in `[pos, end)`, as bytes. */
  find(field: number): Buffer | undefined {
    while (!this.done) {
      const tag = this.varint();
      if (tag === (field << 3) + LENGTH_DELIMITED) return this.buffer.subarray(...this.bytes());
      this.skip(tag % 8);
    }
    return undefined;
  }

  /** Moves past a field of an unused number. */
  skip(wireType: number): void {
    if (wireType === VARINT) this.pos = this.varintEnd();
    else if (wireType === LENGTH_DELIMITED) this.bytes();
    else if (wireType === FIXED64 || wireType === FIXED32) this.pos += wireType === FIXED64 ? 8 : 4;
    else throw new Error(`RangeResponse: unsupported wire type ${wireType}`);
    if (this.pos > this.end) throw new Error('RangeResponse: truncated field');
  }
}

/** `mvccpb.KeyValue`: key = 1, value = 5, lease = 6 (create/mod revision and version are not used). */
function readKeyValue(reader: WireReader): BackendEntry {
  let key = '';
  let value = '';
  let lease = '0';
  while (!reader.done) {
    const tag = reader.varint();
    if (tag === (1 << 3) + LENGTH_DELIMITED) key = reader.text();
    else if (tag === (5 << 3) + LENGTH_DELIMITED) value = reader.text();
    else if (tag === (6 << 3) + VARINT) lease = reader.int64(true);
    else reader.skip(tag % 8);
  }
  return lease === '0' ? { key, value } : { key, value, lease };
}

/** `etcdserverpb.ResponseHeader`: cluster_id = 1 (uint64), revision = 3 (int64). */
function readHeader(reader: WireReader): { revision: string; clusterId: string } {
  const header = { revision: '0', clusterId: '0' };
  while (!reader.done) {
    const tag = reader.varint();
    if (tag === (1 << 3) + VARINT) header.clusterId = reader.int64(false);
    else if (tag === (3 << 3) + VARINT) header.revision = reader.int64(true);
    else reader.skip(tag % 8);
  }
  return header;
}

/** Decodes a serialized `RangeResponse` (header = 1, kvs = 2, more = 3; count = 4 is not used). @internal */
export function decodeRangeResponse(message: Buffer): RangePage {
  const reader = new WireReader(message, 0, message.length);
  let header = { revision: '0', clusterId: '0' };
  const kvs: BackendEntry[] = [];
  let more = false;
  let last: [start: number, end: number] | undefined;
  while (!reader.done) {
    const tag = reader.varint();
    if (tag === (1 << 3) + LENGTH_DELIMITED) {
      header = readHeader(new WireReader(message, ...reader.bytes()));
    } else if (tag === (2 << 3) + LENGTH_DELIMITED) {
      last = reader.bytes();
      kvs.push(readKeyValue(new WireReader(message, ...last)));
    } else if (tag === (3 << 3) + VARINT) {
      more = reader.varint() !== 0;
    } else {
      reader.skip(tag % 8);
    }
  }
  const lastKey = last && (new WireReader(message, ...last).find(1) ?? Buffer.alloc(0));
  return { ...header, kvs, more, lastKey };
}
