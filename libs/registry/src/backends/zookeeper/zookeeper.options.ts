import { invalidOption } from '../../options/resolve-options.js';

/** Options of the ZooKeeper backend, `zookeeper(options)` from `nest-service-registry/zookeeper`. @publicApi */
export interface ZooKeeperBackendOptions {
  /** Connection string `host:port[,host:port...]`. Default `127.0.0.1:2181`. */
  hosts?: string;
  /** Delay between connection attempts, milliseconds. Default 150 (the client's 1000 slows reconnects). */
  spinDelay?: number;
  /**
   * Digest authentication. Instance znodes are then created with an ACL that lets only this user
   * change or delete them, and anyone read them. The password is never printed.
   */
  auth?: { username: string; password: string };
}

/** {@link ZooKeeperBackendOptions} with every default applied, frozen. @publicApi */
export interface ResolvedZooKeeperOptions {
  readonly hosts: string;
  readonly spinDelay: number;
  readonly auth: { readonly username: string; readonly password: string } | undefined;
}

/** Validates ZooKeeper options and fills in defaults. Throws naming `backend.<option>`. @internal */
export function resolveZooKeeperOptions(input: ZooKeeperBackendOptions = {}): ResolvedZooKeeperOptions {
  const hosts = input.hosts ?? '127.0.0.1:2181';
  if (typeof hosts !== 'string' || !/^[^\s,/]+:\d{1,5}(,[^\s,/]+:\d{1,5})*$/.test(hosts)) {
    invalidOption('backend.hosts', input.hosts, 'a connection string such as "127.0.0.1:2181" or "zk1:2181,zk2:2181"');
  }
  const spinDelay = input.spinDelay ?? 150;
  if (!Number.isInteger(spinDelay) || spinDelay <= 0) invalidOption('backend.spinDelay', spinDelay, 'a positive integer of milliseconds');
  const auth = input.auth;
  if (
    auth !== undefined &&
    (typeof auth?.username !== 'string' || auth.username === '' || auth.username.includes(':') || typeof auth.password !== 'string')
  ) {
    invalidOption('backend.auth', '(hidden)', '{ username: string (not empty, no ":"), password: string }');
  }
  return Object.freeze({ hosts, spinDelay, auth: auth && Object.freeze({ username: auth.username, password: auth.password }) });
}
