import { invalidOption, milliseconds } from '../../options/option-rules.js';
import type { CuratorLayoutOptions } from './zk-layout.js';
import { keysOf, rejectUnknownKeys } from '../../options/unknown-keys.js';

/** Java class of the payload the design this project descends from registers (yu-rpc's service metadata). */
export const DEFAULT_PAYLOAD_CLASS = 'com.yupi.yurpc.model.ServiceMetaInfo';

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
  /**
   * Where instances live and what their znodes hold. `native` (default): this project's layout,
   * `/{namespace}/{name}:{version}/{host}:{port}` holding the instance JSON, as on etcd and Redis.
   * `curator`: Apache Curator's service discovery (`{basePath}/{service}/{id}` holding Curator's
   * `ServiceInstance` JSON, the instance as `payload`), readable and writable by Java Curator and
   * Spring Cloud Zookeeper apps.
   */
  layout?: 'native' | 'curator';
  /** Curator layout: the base path. Default `/rpc/zk` (Spring Cloud Zookeeper: `/services`). */
  basePath?: string;
  /** Curator layout: service znodes are `name:version` (default `true`) or `name` (`false`, Spring Cloud Zookeeper). */
  versionInPath?: boolean;
  /**
   * Curator layout: the Java class written as the payload's `@class` (Curator's Jackson serializer
   * instantiates it). Default `com.yupi.yurpc.model.ServiceMetaInfo`; Spring Cloud Zookeeper:
   * `org.springframework.cloud.zookeeper.discovery.ZookeeperInstance`; `null` writes none.
   */
  payloadClass?: string | null;
}

/** {@link ZooKeeperBackendOptions} with every default applied, frozen. @publicApi */
export interface ResolvedZooKeeperOptions {
  readonly hosts: string;
  readonly spinDelay: number;
  readonly auth: { readonly username: string; readonly password: string } | undefined;
  readonly layout: 'native' | 'curator';
  readonly curator: CuratorLayoutOptions;
}

const ZNODE_PATH = /^(\/[^/\s]+)+$/;
const JAVA_CLASS = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;

/** The Curator layout settings (checked whatever the layout, so a typo never waits for a switch). */
function resolveCurator(input: ZooKeeperBackendOptions): CuratorLayoutOptions {
  const basePath = input.basePath ?? '/rpc/zk';
  if (typeof basePath !== 'string' || !ZNODE_PATH.test(basePath)) {
    invalidOption('backend.basePath', basePath, 'a znode path such as "/rpc/zk" or "/services" (starts with "/", no trailing "/")');
  }
  const versionInPath = input.versionInPath ?? true;
  if (typeof versionInPath !== 'boolean') invalidOption('backend.versionInPath', versionInPath, 'true or false');
  const payloadClass = input.payloadClass === undefined ? DEFAULT_PAYLOAD_CLASS : input.payloadClass;
  if (payloadClass !== null && (typeof payloadClass !== 'string' || !JAVA_CLASS.test(payloadClass))) {
    invalidOption('backend.payloadClass', payloadClass, 'a fully qualified Java class name, or null');
  }
  return Object.freeze({ basePath, versionInPath, payloadClass });
}

/** Validates ZooKeeper options and fills in defaults. Throws naming `backend.<option>`. @internal */
const ZOOKEEPER_OPTION_KEYS = keysOf<ZooKeeperBackendOptions>()([
  'hosts',
  'spinDelay',
  'auth',
  'layout',
  'basePath',
  'versionInPath',
  'payloadClass',
]);

export function resolveZooKeeperOptions(input: ZooKeeperBackendOptions = {}): ResolvedZooKeeperOptions {
  rejectUnknownKeys('backend', input, ZOOKEEPER_OPTION_KEYS);
  const hosts = input.hosts ?? '127.0.0.1:2181';
  if (typeof hosts !== 'string' || !/^[^\s,/]+:\d{1,5}(,[^\s,/]+:\d{1,5})*$/.test(hosts)) {
    invalidOption('backend.hosts', input.hosts, 'a connection string such as "127.0.0.1:2181" or "zk1:2181,zk2:2181"');
  }
  const spinDelay = milliseconds('backend.spinDelay', input.spinDelay ?? undefined, 150, { integer: true });
  const auth = input.auth;
  if (
    auth !== undefined &&
    (typeof auth?.username !== 'string' || auth.username === '' || auth.username.includes(':') || typeof auth.password !== 'string')
  ) {
    invalidOption('backend.auth', '(hidden)', '{ username: string (not empty, no ":"), password: string }');
  }
  const layout = input.layout ?? 'native';
  if (layout !== 'native' && layout !== 'curator') invalidOption('backend.layout', layout, '"native" or "curator"');
  return Object.freeze({
    hosts,
    spinDelay,
    auth: auth && Object.freeze({ username: auth.username, password: auth.password }),
    layout,
    curator: resolveCurator(input),
  });
}
