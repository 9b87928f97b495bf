import { afterAll, afterEach, beforeAll } from '@jest/globals';
import type { Etcd3 } from 'etcd3';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';
import type { TrackedApps } from './apps.js';

/** The private etcd of a suite and a plain client to it, valid inside tests. */
export interface EtcdSuite {
  readonly server: EtcdServer;
  readonly client: Etcd3;
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
  };
}
