import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { etcd } from 'nest-service-registry/etcd';
import { backendConformanceSuite } from 'nest-service-registry/backend-kit';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';

let server: EtcdServer;

backendConformanceSuite(
  { describe, it, beforeAll, afterAll },
  {
    name: 'etcd',
    ttl: 2,
    start: async () => {
      server = await EtcdServer.start();
    },
    factory: () => etcd({ hosts: server.url }),
    restart: ({ empty }) => server.restart({ empty }),
    stop: () => server.stop(),
  },
);
