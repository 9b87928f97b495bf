import type { Etcd3, IRangeResponse } from 'etcd3';
import type { BackendEntry, ListResult } from '../registry-backend.js';
import { etcd3 } from './etcd3.peer.js';

/**
 * Largest message the client takes from etcd, bytes, set deliberately (grpc-js' default is 4 MiB:
 * three 1.4 MB foreign values under a prefix made every read of it fail).
 * @internal
 */
export const MAX_RECEIVE_BYTES = 16 * 1024 * 1024;
/**
 * Keys per page of a prefix read. Typical values (a few hundred bytes) put 10 000 instances in one
 * or two messages, so a cold read stays one round trip; a page over the limit is fetched again
 * eight times smaller (200 values of the 64 KiB an instance may have always fit).
 */
const PAGE = 10_000;

/** How one page is fetched: runs the request under the backend's deadline and error mapping. */
export type RangeCall = <T>(what: string, request: Promise<T>) => Promise<T>;

const tooLarge = (error: unknown) => /RESOURCE_EXHAUSTED|larger than max/i.test(error instanceof Error ? error.message : String(error));

/**
 * Reads every key under `prefix` in pages, all at the revision of the first page, so a read
 * is consistent however large the prefix. A page too big for {@link MAX_RECEIVE_BYTES} is
 * fetched again smaller; a single value too big on its own is returned `unreadable` (its key only),
 * so it is skipped with a warning while everything else is served.
 * @internal
 */
export async function readPrefix(client: Etcd3, prefix: string, call: RangeCall): Promise<ListResult & { clusterId?: string }> {
  const range = etcd3.Range.prefix(prefix);
  const entries: BackendEntry[] = [];
  let start = range.start;
  let revision: string | undefined;
  let clusterId: string | undefined;
  let limit = PAGE;
  const page = (count: number) => {
    const builder = client.getAll().inRange(new etcd3.Range(start, range.end)).limit(count);
    return revision === undefined ? builder : builder.revision(revision);
  };
  for (;;) {
    let response: IRangeResponse;
    try {
      response = await call(`etcd range ${prefix}`, page(limit).exec());
    } catch (error) {
      if (!tooLarge(error)) throw error;
      if (limit > 1) {
        limit = Math.max(1, Math.floor(limit / 8));
        continue;
      }
      revision ??= (await call(`etcd status`, client.maintenance.status())).header.revision;
      const [key] = await call(`etcd range ${prefix} (keys)`, page(1).keys());
      if (key === undefined) break;
      entries.push({ key, value: '', unreadable: `the value is larger than the ${MAX_RECEIVE_BYTES} bytes a read accepts` });
      start = Buffer.concat([Buffer.from(key), Buffer.alloc(1)]);
      limit = PAGE;
      continue;
    }
    revision ??= response.header.revision;
    clusterId = response.header.cluster_id;
    for (const kv of response.kvs) {
      entries.push({ key: kv.key.toString(), value: kv.value.toString(), lease: kv.lease === '0' ? undefined : kv.lease });
    }
    const last = response.kvs[response.kvs.length - 1];
    if (!response.more || !last) break;
    start = Buffer.concat([last.key, Buffer.alloc(1)]);
    limit = PAGE;
  }
  return { revision: revision ?? '0', entries, clusterId };
}
