import type { RegistryLease } from '../registry-backend.js';
import type { ZkClient } from './zk-client.js';
import { parentZnode, type ZkLayout } from './zk-layout.js';

/**
 * A lease over the ZooKeeper session of `client`: its keys are ephemeral znodes; `drop` closes the
 * session (and stops tracking it). @internal
 */
export function zkLease(client: ZkClient, ttl: number, layout: ZkLayout, hosts: string, drop: () => void): RegistryLease {
  const id = client.sessionId;
  const owned = new Set<string>(); // znodes this session created, deleted first at revoke
  return {
    id,
    ttl,
    put: async (key, value) => {
      const path = layout.path(key);
      const data = layout.encode(key, value);
      await client.mkdirp(parentZnode(path));
      owned.add(path);
      if (await client.create(path, data)) return;
      const stat = await client.exists(path);
      if (stat && stat.ephemeralOwner.toString('hex') === id) return client.setData(path, data);
      await client.remove(path); // someone else's znode: a put replaces it, as in etcd
      if (!(await client.create(path, data))) throw new Error(`zookeeper: ${path} was created again concurrently`);
    },
    delete: async (key) => {
      owned.delete(layout.path(key));
      await client.remove(layout.path(key));
    },
    renew: async () => {
      if (client.lost) return false;
      if (client.disconnectedAt !== undefined) throw new Error(`zookeeper: disconnected from ${hosts}`);
      await client.exists('/');
      return !client.lost;
    },
    // Closing the session removes its ephemerals too, but only once the server has the close
    // request, which the client does not acknowledge: a close lost on a reconnecting socket left
    // them for a whole session timeout. Deleting them first makes deregistration confirmed.
    revoke: async () => {
      try {
        const ours = async (path: string) => (await client.exists(path))?.ephemeralOwner.toString('hex') === id;
        await Promise.all([...owned].map(async (path) => (await ours(path)) && client.remove(path))); // taken over: not ours to delete
      } finally {
        drop();
      }
    },
    release: () => drop(),
  };
}
