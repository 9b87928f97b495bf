import type { Etcd3 } from 'etcd3';
import type { BackendEntry, ListResult } from '../registry-backend.js';
import type { RangeFetch, RangeRequest } from './etcd-range-call.js';
import { etcd3 } from './etcd3.peer.js';
import type { RangePage } from './range-response.codec.js';

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
 * Reads every key under `prefix` in pages of `pageSize` keys fetched by `fetch`, all at the
 * revision of the first page, so a read is consistent however large the prefix; each page starts
 * after the previous page's last key as stored (bytes, UTF-8 or not). A page too big for {@link MAX_RECEIVE_BYTES} is
 * fetched again smaller; a single value too big on its own is returned `unreadable` (its key only),
 * so it is skipped with a warning while everything else is served.
 * @internal
 */
export async function readPrefix(
  client: Etcd3,
  fetch: RangeFetch,
  prefix: string,
  call: RangeCall,
  pageSize = PAGE,
): Promise<ListResult & { clusterId?: string }> {
  const range = etcd3.Range.prefix(prefix);
  let entries: BackendEntry[] = [];
  let start = range.start;
  let revision: string | undefined;
  let clusterId: string | undefined;
  let limit = pageSize;
  const page = (count: number, keysOnly = false): RangeRequest => {
    const request = { key: start, range_end: range.end, limit: count, keys_only: keysOnly };
    return revision === undefined ? request : { ...request, revision };
  };
  for (;;) {
    let response: RangePage;
    try {
      response = await call(`etcd range ${prefix}`, fetch(page(limit)));
    } catch (error) {
      if (!tooLarge(error)) throw error;
      if (limit > 1) {
        limit = Math.max(1, Math.floor(limit / 8));
        continue;
      }
      revision ??= (await call(`etcd status`, client.maintenance.status())).header.revision;
      const keys = await call(`etcd range ${prefix} (keys)`, fetch(page(1, true)));
      const [only] = keys.kvs;
      if (!only || !keys.lastKey) break;
      entries.push({ key: only.key, value: '', unreadable: `the value is larger than the ${MAX_RECEIVE_BYTES} bytes a read accepts` });
      start = Buffer.concat([keys.lastKey, Buffer.alloc(1)]);
      limit = pageSize;
      continue;
    }
    revision ??= response.revision;
    clusterId = response.clusterId;
    entries = entries.length === 0 ? response.kvs : entries.concat(response.kvs);
    if (!response.more || !response.lastKey) break;
    start = Buffer.concat([response.lastKey, Buffer.alloc(1)]);
    limit = pageSize;
  }
  return { revision: revision ?? '0', entries, clusterId };
}
