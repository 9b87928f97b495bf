import type * as IoRedisPackage from 'ioredis';
import { requirePeer } from '../require-peer.js';

/** The `ioredis` package, or the error that says to install it (when this backend is imported). @internal */
export const ioredis = requirePeer<typeof IoRedisPackage>('ioredis', 'The Redis backend (nest-service-registry/redis)');
