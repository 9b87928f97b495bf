import { describe, expect, it } from '@jest/globals';
import { Etcd3, EtcdInvalidAuthTokenError } from 'etcd3';
import { rangeFetch, type Etcd3RangeInternals } from './etcd-range-call.js';
import { decodeRangeResponse } from './range-response.codec.js';

const request = { key: Buffer.from('/a/'), range_end: Buffer.from('/a0'), limit: 10 };
const page = { revision: '5', clusterId: '1', kvs: [], more: false, lastKey: undefined };

describe('rangeFetch', () => {
  it('finds the internals it needs in the installed etcd3 (fails when an upgrade moves them)', async () => {
    const client = new Etcd3({ hosts: 'http://127.0.0.1:1' });
    try {
      const pool = (client as unknown as Etcd3RangeInternals).pool!;
      expect(typeof pool.globalPolicy?.execute).toBe('function');
      const kv = await pool.withConnection!('KV', async ({ client: kv }) => kv);
      expect(typeof kv.makeUnaryRequest).toBe('function');
      expect(kv.constructor.service?.Range?.path).toBe('/etcdserverpb.KV/Range');
      expect(typeof kv.constructor.service?.Range?.requestSerialize).toBe('function');
    } finally {
      client.close();
    }
  });

  it('sends the request with its decoder, etcd3’s call options and metadata, and fetches a refused token again once', async () => {
    const sent: unknown[][] = [];
    let invalidated = 0;
    let refuse = 1;
    const kv = {
      constructor: { service: { Range: { path: '/etcdserverpb.KV/Range', requestSerialize: () => Buffer.alloc(0) } } },
      makeUnaryRequest: (...args: unknown[]) => {
        sent.push(args);
        const done = args[6] as (error: Error | null, page?: unknown) => void;
        if (refuse-- > 0) done(new EtcdInvalidAuthTokenError('etcdserver: invalid auth token'));
        else done(null, page);
      },
    };
    const fake = {
      pool: {
        globalPolicy: { execute: <T>(fn: () => Promise<T>) => fn() },
        callOptionsFactory: (context: { method: string }) => ({ deadline: 42, method: context.method }),
        withConnection: <T>(_: string, fn: (c: { client: unknown; metadata: unknown }) => Promise<T>) => fn({ client: kv, metadata: 'md' }),
        authenticator: { invalidateMetadata: () => invalidated++ },
      },
    } as unknown as Etcd3;
    await expect(rangeFetch(fake)(request)).resolves.toBe(page);
    expect(invalidated).toBe(1);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.slice(0, 6)).toEqual([
      '/etcdserverpb.KV/Range',
      expect.any(Function),
      expect.any(Function),
      request,
      'md',
      { deadline: 42, method: 'range' },
    ]);
    expect(sent[1]![2]).toBe(decodeRangeResponse);
  });

  it('uses the public builder when the internals are missing', async () => {
    const calls: string[] = [];
    const builder = {
      inRange: () => builder,
      limit: (n: number) => (calls.push(`limit ${n}`), builder),
      exec: async () => ({
        header: { revision: '9', cluster_id: '3' },
        more: false,
        kvs: [{ key: Buffer.from('k'), value: Buffer.from('v'), lease: '0' }],
      }),
    };
    const fake = { getAll: () => builder } as unknown as Etcd3;
    await expect(rangeFetch(fake)(request)).resolves.toEqual({
      revision: '9',
      clusterId: '3',
      more: false,
      lastKey: Buffer.from('k'),
      kvs: [{ key: 'k', value: 'v' }],
    });
    expect(calls).toEqual(['limit 10']);
  });
});
