import type { BackendEntry } from '../registry-backend.js';
import { LENGTH_DELIMITED, VARINT, WireReader } from './wire-reader.js';

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
  let lastStart = -1; // bounds of the last key-value, for `lastKey`
  let lastEnd = -1;
  while (!reader.done) {
    const tag = reader.varint();
    if (tag === (1 << 3) + LENGTH_DELIMITED) {
      const outer = reader.enter();
      header = readHeader(reader);
      reader.end = outer;
    } else if (tag === (2 << 3) + LENGTH_DELIMITED) {
      const outer = reader.enter();
      lastStart = reader.pos;
      lastEnd = reader.end;
      kvs.push(readKeyValue(reader));
      reader.end = outer;
    } else if (tag === (3 << 3) + VARINT) {
      more = reader.varint() !== 0;
    } else {
      reader.skip(tag % 8);
    }
  }
  const lastKey = lastEnd < 0 ? undefined : (new WireReader(message, lastStart, lastEnd).find(1) ?? Buffer.alloc(0));
  return { ...header, kvs, more, lastKey };
}
