import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { zookeeper } from 'nest-service-registry/zookeeper';
import { backendConformanceSuite } from 'nest-service-registry/backend-kit';
import { ZooKeeperServer } from '../../scripts/lib/zookeeper-server.mjs';

let server: ZooKeeperServer;

backendConformanceSuite(
  { describe, it, beforeAll, afterAll },
  {
    name: 'zookeeper',
    ttl: 2,
    start: async () => {
      server = await ZooKeeperServer.start();
    },
    factory: () => zookeeper({ hosts: server.hosts }),
    restart: ({ empty }) => server.restart({ empty }),
    stop: () => server.stop(),
  },
);
