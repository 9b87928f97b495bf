import { afterAll, afterEach, beforeAll } from '@jest/globals';
import type { Etcd3 } from 'etcd3';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';
import type { TrackedApps } from './apps.js';

/** One key of the suite's etcd: its value as text and the lease it hangs off (`'0'`: none). */
export interface StoredKey {
  readonly key: string;
  readonly value: string;
  readonly lease: string;
}

/** The private etcd of a suite and a plain client to it, valid inside tests. */
export interface EtcdSuite {
  readonly server: EtcdServer;
  readonly client: Etcd3;
  /** Every key under `prefix` (default `/rpc/`), read with the plain client. */
  kvs(prefix?: string): Promise<StoredKey[]>;
}

/**
 * Registers the hooks of a suite on its own etcd: start the server and a client before all tests;
 * after each, close the apps the test started and delete every key; after all, close both.
 */
export function useEtcdSuite(apps: TrackedApps): EtcdSuite {
  let server: EtcdServer | undefined;
  let client: Etcd3 | undefined;
  beforeAll(async () => {
    server = await EtcdServer.start();
    client = server.client();
  });
  afterEach(async () => {
    await apps.closeAll();
    await client?.delete().all();
  });
  afterAll(async () => {
    client?.close();
    await server?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the suite etcd is only there inside tests');
    return value;
  };
  return {
    get server() {
      return started(server);
    },
    get client() {
      return started(client);
    },
    async kvs(prefix = '/rpc/') {
      const response = await started(client).getAll().prefix(prefix).exec();
      return response.kvs.map((kv) => ({ key: kv.key.toString(), value: kv.value.toString(), lease: kv.lease }));
    },
  };
}
