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
      server = await RedisServer.start();
    },
    factory: () => redis({ url: server.url }),
    restart: () => server.restart(), // Redis without persistence always restarts empty
    stop: () => server.stop(),
  },
);
