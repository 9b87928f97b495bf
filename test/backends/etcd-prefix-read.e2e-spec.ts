import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Etcd3 } from 'etcd3';
import { MAX_RECEIVE_BYTES, readPrefix } from '../../libs/registry/src/backends/etcd/etcd-prefix-read.js';
import { createEtcdClient } from '../../libs/registry/src/backends/etcd/etcd-client.factory.js';
import { resolveEtcdOptions } from '../../libs/registry/src/backends/etcd/etcd.options.js';
import { publicRangeFetch, rangeFetch } from '../../libs/registry/src/backends/etcd/etcd-range-call.js';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';

// The prefix read on a real etcd, with pages of 4 keys: the lean Range decoder (what the backend
// uses) and etcd3's public builder read the same entries, each once, at one revision, including
// keys that are not UTF-8 at page boundaries and the exact ids of the leases that own keys; and a
// value too large for any page, under a key that is not UTF-8, skipped without losing the keys after it.
let etcd: EtcdServer;
let client: Etcd3;
const PREFIX = '/rpc/paged:1.0/';
const same = <T>(what: string, request: Promise<T>) => request;

beforeAll(async () => {
  etcd = await EtcdServer.start({ extraArgs: ['--max-request-bytes', String(20 * 1024 * 1024)] });
  client = etcd.client();
});

afterAll(async () => {
  client?.close();
  await etcd?.stop();
});

describe('etcd prefix read in pages', () => {
  it('lean and public fetch read every key once, non-UTF-8 keys and lease ids included, at the first page’s revision', async () => {
    const lease = client.lease(30, { autoKeepAlive: false });
    const leaseId = await lease.grant();
    const keys: Buffer[] = [];
    for (let i = 0; i < 12; i++) keys.push(Buffer.from(`${PREFIX}10.0.0.${i}:80`));
    // 0xc3 followed by an ASCII byte is not UTF-8; these sort after every ASCII key, so one ends page 4.
    for (let i = 0; i < 6; i++) keys.push(Buffer.concat([Buffer.from(PREFIX), Buffer.from([0xc3, 0x30 + i])]));
    for (const [i, key] of keys.entries()) {
      if (i % 3 === 0) await lease.put(key).value(`v${i}`);
      else await client.put(key).value(`v${i}`);
    }
    await client.put('/rpc/paged:1.0').value('outside the prefix');
    await client.put('/rpc/paged:1.00/x').value('outside the prefix');

    const expected = keys.map((key, i) => ({ key: key.toString(), value: `v${i}`, ...(i % 3 === 0 ? { lease: leaseId } : {}) }));
    const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
    for (const fetch of [rangeFetch(client), publicRangeFetch(client)]) {
      const read = await readPrefix(client, fetch, PREFIX, same, 4);
      expect(read.entries).toHaveLength(keys.length);
      expect([...read.entries].sort(byKey)).toEqual([...expected].sort(byKey));
      expect(BigInt(read.revision)).toBeGreaterThanOrEqual(BigInt(keys.length));
      expect(read.clusterId).toMatch(/^\d+$/);
    }

    // Pinned to the first page's revision: a key written between pages is not read, one deleted is.
    let pages = 0;
    const lean = rangeFetch(client);
    const racing = async (request: Parameters<typeof lean>[0]) => {
      const page = await lean(request);
      if (++pages === 1) {
        await client.put(`${PREFIX}10.0.0.99:80`).value('late');
        await client.delete().key(keys[17]!);
      }
      return page;
    };
    const pinned = await readPrefix(client, racing, PREFIX, same, 4);
    expect(pages).toBeGreaterThan(1);
    expect(pinned.entries.map((e) => e.key)).not.toContain(`${PREFIX}10.0.0.99:80`);
    expect(pinned.entries.map((e) => e.key)).toContain(keys[17]!.toString());
    lease.release();
  });

  it('a value too large to read, under a key that is not UTF-8, is returned unreadable and the keys after it are read', async () => {
    // The backend's own client: its receive limit and fault handling (a plain etcd3 client's circuit breaker opens on the refused pages).
    const backendClient = createEtcdClient(resolveEtcdOptions({ hosts: etcd.url }), 10_000);
    try {
      const prefix = '/rpc/huge:1.0/';
      const key = (...bytes: number[]) => Buffer.concat([Buffer.from(prefix), Buffer.from(bytes)]);
      await client.put(key(0x41)).value('before');
      await client.put(key(0xc3, 0x30)).value(Buffer.alloc(MAX_RECEIVE_BYTES + 1024, 0x78));
      await client.put(key(0xc3, 0x31)).value('after');
      for (const fetch of [rangeFetch(backendClient), publicRangeFetch(backendClient)]) {
        const read = await readPrefix(backendClient, fetch, prefix, same, 10);
        expect(read.entries).toEqual([
          { key: key(0x41).toString(), value: 'before' },
          {
            key: key(0xc3, 0x30).toString(),
            value: '',
            unreadable: `the value is larger than the ${MAX_RECEIVE_BYTES} bytes a read accepts`,
          },
          { key: key(0xc3, 0x31).toString(), value: 'after' },
        ]);
      }
    } finally {
      backendClient.close();
    }
  }, 60_000);
});
