import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { redis } from 'nest-service-registry/redis';
import { backendConformanceSuite } from 'nest-service-registry/backend-kit';
import { RedisServer } from '../../scripts/lib/redis-server.mjs';

let server: RedisServer;

backendConformanceSuite(
  { describe, it, beforeAll, afterAll },
  {
    name: 'redis',
    ttl: 2,
    start: async () => {
      server = await RedisServer.start({ persistent: true });
    },
    factory: () => redis({ url: server.url }),
    restart: ({ empty }) => server.restart({ empty }), // with an append-only file: a restart may keep its data
    stop: () => server.stop(),
  },
);
