import { DEFAULTS } from '../../registry.constants.js';
import { serviceKey, splitServiceKey } from '../../model/key-layout.js';
import { curatorAddress, readCurator, toCurator, toRegistryValue } from './curator-instance.js';

/**
 * How registry keys and values map onto znodes. Keys are the registry's own
 * (`/{namespace}/{name}:{version}/{host}:{port}`); a layout says where they live in ZooKeeper and
 * what a znode holds. @internal
 */
export interface ZkLayout {
  /** The znode of a key, a service prefix (`/rpc/svc:1.0/`) or the namespace prefix (`/rpc/`). */
  path(key: string): string;
  /** The key segment (`name:version`) of the service znode `name`. */
  service(name: string): string;
  /** The key of the instance znode `name` (holding `data`) under the service prefix `prefix`. */
  key(prefix: string, name: string, data: string): string;
  /** What the znode of `key` holds for the registry value `value`. */
  encode(key: string, value: string): string;
  /** The registry value (instance JSON) a znode under the service prefix `prefix` holds. */
  decode(prefix: string, data: string): string;
}

/** The `ephemeralOwner` (hex) of a persistent znode. @internal */
export const NO_OWNER = '0000000000000000';

/** Prefix `/rpc/svc:1.0/` → znode `/rpc/svc:1.0`. @internal */
export const trimSlash = (path: string): string => (path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path);

/** The znode a znode lives in: `/rpc/svc:1.0/h:1` → `/rpc/svc:1.0`; `/a` → `/`. @internal */
export const parentZnode = (path: string): string => path.slice(0, path.lastIndexOf('/')) || '/';

/** This project's own layout: the key is the znode path, the value its data. @internal */
export const NATIVE_LAYOUT: ZkLayout = {
  path: trimSlash,
  service: (name) => name,
  key: (prefix, name) => `${prefix}${name}`,
  encode: (_key, value) => value,
  decode: (_prefix, data) => data,
};

/** `host:port`, the last segment of a registry key. */
const ADDRESS = /^[^/]+:\d{1,5}$/;

/** What the Curator layout is configured with. @internal */
export interface CuratorLayoutOptions {
  readonly basePath: string;
  readonly versionInPath: boolean;
  readonly payloadClass: string | null;
}

/**
 * Apache Curator's service discovery layout: `{basePath}/{service}/{id}`, each znode holding
 * Curator's `ServiceInstance` JSON with the registry's instance as `payload`. The service znode is
 * `name:version` (the design this project descends from), or `name` alone with
 * `versionInPath: false` (Spring Cloud Zookeeper's; then only version 1.0 is listed by
 * `getServices()`). The key's namespace segment is replaced by `basePath`. Instances other
 * writers registered under other ids (any payload) get keys from their address. @internal
 */
export function curatorLayout(options: CuratorLayoutOptions): ZkLayout {
  const serviceDir = (segment: string) => (options.versionInPath ? segment : (splitServiceKey(segment)?.serviceName ?? segment));
  return {
    path: (key) => {
      const [, , service, ...rest] = key.split('/');
      return service ? trimSlash([options.basePath, serviceDir(service), ...rest].join('/')) : options.basePath;
    },
    service: (name) => (options.versionInPath ? name : serviceKey(name, DEFAULTS.serviceVersion)),
    // A znode named host:port (this library's ids, the Java design's) keeps its name; one with
    // another id (Spring Cloud's UUIDs) is keyed by the address it holds.
    key: (prefix, name, data) => {
      if (ADDRESS.test(name)) return `${prefix}${name}`;
      const curator = readCurator(data);
      return `${prefix}${(curator && curatorAddress(curator)) ?? name}`;
    },
    encode: (key, value) => {
      const [, , service = '', id = ''] = key.split('/');
      return JSON.stringify(toCurator(value, serviceDir(service), id, options.payloadClass));
    },
    decode: toRegistryValue,
  };
}
