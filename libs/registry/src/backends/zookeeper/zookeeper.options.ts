import { invalidOption } from '../../options/resolve-options.js';

/** Options of the ZooKeeper backend, `zookeeper(options)` from `nest-service-registry/zookeeper`. @publicApi */
export interface ZooKeeperBackendOptions {
  /** Connection string `host:port[,host:port...]`. Default `127.0.0.1:2181`. */
  hosts?: string;
  /** Delay between connection attempts, milliseconds. Default 150 (the client's 1000 slows reconnects). */
  spinDelay?: number;
}

/** {@link ZooKeeperBackendOptions} with every default applied, frozen. @publicApi */
export interface ResolvedZooKeeperOptions {
  readonly hosts: string;
  readonly spinDelay: number;
}

/** Validates ZooKeeper options and fills in defaults. Throws naming `backend.<option>`. @internal */
export function resolveZooKeeperOptions(input: ZooKeeperBackendOptions = {}): ResolvedZooKeeperOptions {
  const hosts = input.hosts ?? '127.0.0.1:2181';
  if (typeof hosts !== 'string' || !/^[^\s,/]+:\d{1,5}(,[^\s,/]+:\d{1,5})*$/.test(hosts)) {
    invalidOption('backend.hosts', input.hosts, 'a connection string such as "127.0.0.1:2181" or "zk1:2181,zk2:2181"');
  }
  const spinDelay = input.spinDelay ?? 150;
  if (!Number.isInteger(spinDelay) || spinDelay <= 0) invalidOption('backend.spinDelay', spinDelay, 'a positive integer of milliseconds');
  return Object.freeze({ hosts, spinDelay });
}
