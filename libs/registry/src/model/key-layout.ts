/**
 * The key layout (DESIGN §2, the wire contract shared with the Java yu-rpc registry):
 *
 * ```
 * /{namespace}/{serviceName}:{serviceVersion}/{serviceHost}:{servicePort}
 * ```
 *
 * Prefix reads always end in `/`, so `user` never matches `user-service`.
 */

/** The parts of a key that identify one instance. @publicApi */
export interface InstanceAddress {
  readonly serviceName: string;
  readonly serviceVersion: string;
  readonly serviceHost: string;
  readonly servicePort: number;
}

/** `{serviceName}:{serviceVersion}`, the yu-rpc service key. @publicApi */
export function serviceKey(serviceName: string, serviceVersion: string): string {
  return `${serviceName}:${serviceVersion}`;
}

/** Prefix of every key of a namespace, e.g. `/rpc/`. @publicApi */
export function namespacePrefix(namespace: string): string {
  return `/${namespace}/`;
}

/** Prefix of every instance key of a service, e.g. `/rpc/user-service:1.0/`. @publicApi */
export function servicePrefix(namespace: string, serviceName: string, serviceVersion: string): string {
  return `/${namespace}/${serviceKey(serviceName, serviceVersion)}/`;
}

/** The key an instance is stored under, e.g. `/rpc/user-service:1.0/10.0.0.7:8080`. @publicApi */
export function instanceKey(namespace: string, address: InstanceAddress): string {
  return keyUnder(servicePrefix(namespace, address.serviceName, address.serviceVersion), address);
}

/**
 * The key of the instance at `serviceHost:servicePort` under a service prefix built by
 * {@link servicePrefix}: what {@link instanceKey} appends, for callers that hold the prefix. @internal
 */
export function keyUnder(prefix: string, address: Pick<InstanceAddress, 'serviceHost' | 'servicePort'>): string {
  return `${prefix}${address.serviceHost}:${address.servicePort}`;
}

/**
 * `host:port` as a network address (a URL's authority, a gRPC target, a bind address): an IPv6
 * host in brackets. Registry keys and ids keep the plain `{host}:{port}` of the Java layout. @internal
 */
export function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The default instance id: `{serviceName}:{serviceVersion}@{serviceHost}:{servicePort}`. @publicApi */
export function defaultInstanceId(address: InstanceAddress): string {
  return `${serviceKey(address.serviceName, address.serviceVersion)}@${address.serviceHost}:${address.servicePort}`;
}

/** `name:version` split at its first colon, or `undefined` when either side is empty. @internal */
export function splitServiceKey(service: string): { serviceName: string; serviceVersion: string } | undefined {
  const colon = service.indexOf(':');
  if (colon <= 0 || colon === service.length - 1) return undefined;
  return { serviceName: service.slice(0, colon), serviceVersion: service.slice(colon + 1) };
}

/**
 * The service name and version of a key of the namespace, or `undefined` for keys that do not
 * follow the layout. Used by `getServices()`. @internal
 */
export function parseServiceKeyOf(namespace: string, key: string): { serviceName: string; serviceVersion: string } | undefined {
  const prefix = namespacePrefix(namespace);
  if (!key.startsWith(prefix)) return undefined;
  const rest = key.slice(prefix.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  return splitServiceKey(rest.slice(0, slash));
}

/**
 * The key of the leader election `name` of a namespace, e.g. `/rpc.election/checker`: outside the
 * namespace prefix (`/rpc/`), so no reader of instances ever lists it. @internal
 */
export function electionKey(namespace: string, name: string): string {
  return `/${namespace}.election/${name}`;
}
