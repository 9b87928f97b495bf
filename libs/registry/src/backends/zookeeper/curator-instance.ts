import { DEFAULTS } from '../../registry.constants.js';
import { splitServiceKey } from '../../model/key-layout.js';

/** Curator's `ServiceInstance` JSON (curator-x-discovery), as far as the registry reads it. @internal */
export interface CuratorInstance {
  readonly name: string;
  readonly id: string;
  readonly address: string | null;
  readonly port: number | null;
  readonly sslPort: number | null;
  readonly payload: unknown;
  readonly registrationTimeUTC: number;
  readonly serviceType: string;
  readonly uriSpec: unknown;
  readonly enabled?: boolean;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const parse = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

/** The Curator instance a znode holds, or `undefined` when it holds something else. @internal */
export function readCurator(data: string): CuratorInstance | undefined {
  const value = parse(data);
  if (!isObject(value) || typeof value.name !== 'string' || typeof value.id !== 'string') return undefined;
  return value as unknown as CuratorInstance;
}

/** `address:port` of a Curator instance (its TLS port when it has no plain one), the registry's key segment. @internal */
export function curatorAddress(instance: CuratorInstance): string | undefined {
  const port = instance.port ?? instance.sslPort;
  return instance.address && typeof port === 'number' ? `${instance.address}:${port}` : undefined;
}

/**
 * The Curator instance for the registry value `value` (instance JSON): Curator's fields from the
 * instance's, the whole instance as `payload`, tagged with `payloadClass` as `@class` (the Java
 * class Curator's Jackson serializer instantiates; `null` leaves it out). @internal
 */
export function toCurator(value: string, name: string, id: string, payloadClass: string | null): CuratorInstance {
  const instance = parse(value);
  const fields = isObject(instance) ? instance : {};
  const registeredAt = typeof fields.registeredAt === 'string' ? Date.parse(fields.registeredAt) : NaN;
  return {
    name,
    id,
    address: typeof fields.serviceHost === 'string' ? fields.serviceHost : null,
    port: typeof fields.servicePort === 'number' ? fields.servicePort : null,
    sslPort: null,
    payload: payloadClass === null ? fields : { '@class': payloadClass, ...fields },
    registrationTimeUTC: Number.isNaN(registeredAt) ? Date.now() : registeredAt,
    serviceType: fields.ephemeral === false ? 'PERMANENT' : 'DYNAMIC',
    uriSpec: null,
    enabled: fields.status === undefined || fields.status === 'UP',
  };
}

/**
 * The registry value (instance JSON) of a Curator instance under the service prefix
 * `/{namespace}/{name}:{version}/`. A payload with the registry's fields (this library's, or the
 * Java design's `serviceName`...`servicePort` metadata) is the instance, its address filled from
 * Curator's when missing. Any other payload (Spring Cloud Zookeeper's `id` / `name` / `metadata`,
 * or none) yields an instance from Curator's fields: the service from the prefix, `metadata` when
 * it is a string map, `registeredAt` from `registrationTimeUTC`, `OUT_OF_SERVICE` when disabled.
 * Data that is not a Curator instance is returned as it is (the codec then skips it, with a warning). @internal
 */
export function toRegistryValue(prefix: string, data: string): string {
  const curator = readCurator(data);
  if (!curator) return data;
  const [, , service = ''] = prefix.split('/');
  const { serviceName, serviceVersion } = splitServiceKey(service) ?? { serviceName: service, serviceVersion: DEFAULTS.serviceVersion };
  const address = { serviceHost: curator.address, servicePort: curator.port ?? curator.sslPort };
  const payload: Json = isObject(curator.payload) ? { ...curator.payload } : {};
  delete payload['@class'];
  if (typeof payload.serviceName === 'string') {
    // Fields the payload lacks are added after its own, so a payload this library wrote reads back
    // as the very string it encoded (the provider compares its keys' values with what it wrote).
    payload.serviceVersion ??= serviceVersion;
    payload.serviceHost ??= address.serviceHost;
    payload.servicePort ??= address.servicePort;
    return JSON.stringify(payload);
  }
  const metadata =
    isObject(payload.metadata) && Object.values(payload.metadata).every((v) => typeof v === 'string') ? payload.metadata : {};
  return JSON.stringify({
    serviceName,
    serviceVersion,
    ...address,
    metadata,
    registeredAt: new Date(curator.registrationTimeUTC).toISOString(),
    status: curator.enabled === false ? 'OUT_OF_SERVICE' : 'UP',
  });
}
