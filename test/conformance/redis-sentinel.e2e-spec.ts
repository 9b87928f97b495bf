import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { redis } from 'nest-service-registry/redis';
import { backendConformanceSuite } from 'nest-service-registry/backend-kit';
import { RedisSentinelDeployment, SENTINEL_MASTER } from '../../scripts/lib/redis-sentinel.mjs';

// The conformance suite on Redis under Sentinel (1 master, 2 replicas, 3 sentinels): the backend
// finds the master through the sentinels; a "restart" is a failover (the master SIGKILLed, a
// replica promoted), emptied first when the case wants an empty server.
let deployment: RedisSentinelDeployment;

backendConformanceSuite(
  { describe, it, beforeAll, afterAll },
  {
    name: 'redis-sentinel',
    ttl: 2,
    start: async () => {
      deployment = await RedisSentinelDeployment.start();
    },
    factory: () => redis({ sentinels: deployment.sentinelAddresses, name: SENTINEL_MASTER }),
    restart: async ({ empty }) => {
      await deployment.failover({ empty });
    },
    stop: () => deployment.stop(),
  },
);
