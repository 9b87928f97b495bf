import type * as Etcd3Package from 'etcd3';
import { requirePeer } from '../require-peer.js';

/** The `etcd3` package, or the error that says to install it (when this backend is imported). @internal */
export const etcd3 = requirePeer<typeof Etcd3Package>('etcd3', 'The etcd backend (nest-service-registry/etcd, also the default)');
