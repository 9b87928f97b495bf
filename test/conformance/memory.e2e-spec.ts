import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { memory, MemoryRegistryStore } from 'nest-service-registry';
import { backendConformanceSuite } from 'nest-service-registry/backend-kit';

// The memory backend has no server: "restart" is the store's own simulation of one.
let store = new MemoryRegistryStore();

backendConformanceSuite(
  { describe, it, beforeAll, afterAll },
  {
    name: 'memory',
    ttl: 1,
    start: async () => {
      store = new MemoryRegistryStore();
    },
    factory: () => memory({ store }),
    restart: async ({ empty }) => store.restart({ empty }),
    stop: async () => undefined,
  },
);
