import { describe, expect, it } from '@jest/globals';
import { loadSync } from '@grpc/proto-loader';
import fc from 'fast-check';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { decodeRangeResponse } from './range-response.codec.js';

// The lean decoder against the encoder and decoder etcd3 itself uses: etcd3's own rpc.proto,
// loaded by @grpc/proto-loader with etcd3's options.
const proto = join(dirname(createRequire(import.meta.url).resolve('etcd3')), '../proto/rpc.proto');
const definition = loadSync(proto, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
const range = (
  definition['etcdserverpb.KV'] as Record<string, { responseSerialize(v: unknown): Buffer; responseDeserialize(b: Buffer): unknown }>
).Range!;

interface Kv {
  key: Buffer;
  value: Buffer;
  lease: string;
  create_revision: string;
  mod_revision: string;
  version: string;
}
// Values near every power of two as well as anywhere: the decimal conversion changes method at 2^53.
const near = (min: bigint, max: bigint) =>
  fc.oneof(
    fc.bigInt({ min, max }),
    fc.tuple(fc.integer({ min: 0, max: 64 }), fc.integer({ min: -3, max: 3 })).map(([bits, delta]) => {
      const value = 2n ** BigInt(bits) + BigInt(delta);
      return value < min ? min : value > max ? max : value;
    }),
  );
const int64 = near(-(2n ** 63n), 2n ** 63n - 1n).map(String);
const uint64 = near(0n, 2n ** 64n - 1n).map(String);
const bytes = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }).map((s) => Buffer.from(s)),
  fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)), // not always UTF-8
);
const kv: fc.Arbitrary<Kv> = fc.record({
  key: bytes,
  value: bytes,
  lease: fc.oneof(fc.constant('0'), int64),
  create_revision: int64,
  mod_revision: int64,
  version: int64,
});
const response = fc.record({
  header: fc.record({ cluster_id: uint64, member_id: uint64, revision: int64, raft_term: uint64 }),
  kvs: fc.array(kv, { maxLength: 20 }),
  more: fc.boolean(),
  count: int64,
});

describe('decodeRangeResponse', () => {
  it("reads what etcd3's decoder reads, for any message (64-bit ids exact, bytes as UTF-8 text)", () => {
    fc.assert(
      fc.property(response, (message) => {
        const wire = range.responseSerialize(message);
        const reference = range.responseDeserialize(wire) as { header: { revision: string; cluster_id: string }; kvs: Kv[]; more: boolean };
        expect(decodeRangeResponse(wire)).toEqual({
          revision: reference.header.revision,
          clusterId: reference.header.cluster_id,
          more: reference.more,
          lastKey: reference.kvs.at(-1)?.key,
          kvs: reference.kvs.map((r) => ({
            key: r.key.toString(),
            value: r.value.toString(),
            ...(r.lease === '0' ? {} : { lease: r.lease }),
          })),
        });
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the largest ids exact', () => {
    const lease = '9223372036854775807';
    const clusterId = '18446744073709551615';
    const wire = range.responseSerialize({
      header: { cluster_id: clusterId, revision: '9007199254740993' },
      kvs: [{ key: Buffer.from('k'), lease }],
    });
    expect(decodeRangeResponse(wire)).toEqual({
      revision: '9007199254740993',
      clusterId,
      more: false,
      lastKey: Buffer.from('k'),
      kvs: [{ key: 'k', value: '', lease }],
    });
  });

  it('reads the edges of 64-bit ids exactly (negative, 2^49, 2^53, 2^63)', () => {
    const edges = [
      '-1',
      '-4294967296',
      '-9223372036854775808',
      '562949953421311',
      '562949953421312',
      '9007199254740993',
      '4294967296000000',
    ];
    const wire = range.responseSerialize({ kvs: edges.map((lease, i) => ({ key: Buffer.from(String(i)), lease })) });
    expect(decodeRangeResponse(wire).kvs.map((kv) => kv.lease)).toEqual(edges);
    // A 10-byte varint whose last byte carries bits past 64 (no encoder writes it): they fall off, as in etcd3.
    const kv = Buffer.from([0x0a, 0x01, 0x6b, 0x30, ...Array<number>(9).fill(0xff), 0x7f]);
    const overlong = Buffer.from([0x12, kv.length, ...kv]);
    const reference = range.responseDeserialize(overlong) as { kvs: Kv[] };
    expect(decodeRangeResponse(overlong).kvs[0]!.lease).toBe(reference.kvs[0]!.lease);
  });

  it('reads an empty response as revision 0 with no keys', () => {
    expect(decodeRangeResponse(Buffer.alloc(0))).toEqual({ revision: '0', clusterId: '0', kvs: [], more: false, lastKey: undefined });
  });

  it('throws on a truncated message (grpc-js then fails the call)', () => {
    const wire = range.responseSerialize({ header: { revision: '7' }, kvs: [{ key: Buffer.from('a'), value: Buffer.from('b') }] });
    for (let cut = 1; cut < wire.length; cut++) {
      const partial = wire.subarray(0, cut);
      // A cut between two fields is a shorter valid message; any other cut must throw, never read garbage.
      try {
        const page = decodeRangeResponse(partial);
        expect(page.kvs.every((k) => k.key === 'a' && k.value === 'b')).toBe(true);
      } catch (error) {
        expect(String(error)).toMatch(/RangeResponse: truncated/);
      }
    }
    expect(() => decodeRangeResponse(Buffer.from([0x12, 0x05, 0x0a]))).toThrow(/truncated field/);
    expect(() => decodeRangeResponse(Buffer.from([0x18, 0x80]))).toThrow(/truncated varint/);
    expect(() => decodeRangeResponse(Buffer.from([0x0b]))).toThrow(/wire type 3/);
  });
});
