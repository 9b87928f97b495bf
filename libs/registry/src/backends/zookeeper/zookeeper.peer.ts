import type ZooKeeperPackage from 'node-zookeeper-client';
import { requirePeer } from '../require-peer.js';

/** The `node-zookeeper-client` package, or the error that says to install it (when this backend is imported). @internal */
export const zookeeperClient = requirePeer<typeof ZooKeeperPackage>(
  'node-zookeeper-client',
  'The ZooKeeper backend (nest-service-registry/zookeeper)',
);
