import { DEFAULTS, INSTANCE_SCHEMA } from '../registry.constants.js';

/** Lifecycle states an instance advertises. Only `UP` instances are handed out by default. */
export type InstanceStatus = 'UP' | 'DOWN' | 'STARTING' | 'OUT_OF_SERVICE';

/** All valid {@link InstanceStatus} values. */
export const INSTANCE_STATUSES: readonly InstanceStatus[] = Object.freeze(['UP', 'DOWN', 'STARTING', 'OUT_OF_SERVICE']);

/**
 * One registered instance of a service: the JSON value stored under
 * `/{namespace}/{serviceName}:{serviceVersion}/{serviceHost}:{servicePort}`.
 *
 * The first five fields are the yu-rpc `ServiceMetaInfo` fields; a value carrying only
 * those is valid and the others take their defaults.
 */
export interface ServiceInstance {
  readonly serviceName: string;
  readonly serviceVersion: string;
  readonly serviceHost: string;
  readonly servicePort: number;
  /** Default `"default"`. */
  readonly serviceGroup: string;
  /** `{serviceName}:{serviceVersion}@{serviceHost}:{servicePort}` unless the writer chose another. */
  readonly id: string;
  /** Default `"http"`. */
  readonly protocol: string;
  /** Integer ≥ 0 used by weighted balancing. Default 100. */
  readonly weight: number;
  /** Free-form zone / locality label, or `null`. */
  readonly zone: string | null;
  /** Default `"UP"`. */
  readonly status: InstanceStatus;
  /** String map, default `{}`. */
  readonly metadata: Readonly<Record<string, string>>;
  /** ISO-8601 time of registration; empty when the writer did not say. */
  readonly registeredAt: string;
  /** Value schema version, 1. */
  readonly schema: number;
}

const NAME_RULE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const VERSION_RULE = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;

/** Rule text used in messages about service names and namespaces. */
export const NAME_RULE_TEXT = 'letters, digits, ".", "_" and "-", starting with a letter or digit';
/** Rule text used in messages about versions. */
export const VERSION_RULE_TEXT = 'letters, digits, ".", "_", "+" and "-", starting with a letter or digit';

/** Whether `name` can be a namespace or service name (no `/` or `:`, so keys stay unambiguous). */
export function isValidName(name: unknown): name is string {
  return typeof name === 'string' && NAME_RULE.test(name);
}

/** Whether `version` can be a service version. */
export function isValidVersion(version: unknown): version is string {
  return typeof version === 'string' && VERSION_RULE.test(version);
}

/** `{serviceName}:{serviceVersion}`, the yu-rpc service key. */
export function serviceKey(serviceName: string, serviceVersion: string): string {
  return `${serviceName}:${serviceVersion}`;
}

/** Prefix of every instance key of a service; always ends in `/` so `user` never matches `user-service`. */
export function servicePrefix(namespace: string, serviceName: string, serviceVersion: string): string {
  return `/${namespace}/${serviceKey(serviceName, serviceVersion)}/`;
}

/** Prefix of every key of a namespace. */
export function namespacePrefix(namespace: string): string {
  return `/${namespace}/`;
}

/** The key an instance is stored under. */
export function instanceKey(
  namespace: string,
  instance: Pick<ServiceInstance, 'serviceName' | 'serviceVersion' | 'serviceHost' | 'servicePort'>,
): string {
  return `${servicePrefix(namespace, instance.serviceName, instance.serviceVersion)}${instance.serviceHost}:${instance.servicePort}`;
}

/**
 * Splits a key of the namespace into its service name and version, or returns `undefined`
 * for keys that do not follow the layout. Used by `getServices()`.
 */
export function parseServiceKeyOf(namespace: string, key: string): { serviceName: string; serviceVersion: string } | undefined {
  const prefix = namespacePrefix(namespace);
  if (!key.startsWith(prefix)) return undefined;
  const rest = key.slice(prefix.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  const service = rest.slice(0, slash);
  const colon = service.indexOf(':');
  if (colon <= 0 || colon === service.length - 1) return undefined;
  return { serviceName: service.slice(0, colon), serviceVersion: service.slice(colon + 1) };
}

/** Default instance id. */
export function defaultInstanceId(
  instance: Pick<ServiceInstance, 'serviceName' | 'serviceVersion' | 'serviceHost' | 'servicePort'>,
): string {
  return `${serviceKey(instance.serviceName, instance.serviceVersion)}@${instance.serviceHost}:${instance.servicePort}`;
}

/** Fields a caller provides to build an instance; the rest take their defaults. */
export type ServiceInstanceInit = Pick<ServiceInstance, 'serviceName' | 'serviceHost' | 'servicePort'> &
  Partial<Omit<ServiceInstance, 'serviceName' | 'serviceHost' | 'servicePort'>>;

/** Builds a complete, frozen instance from its required fields plus defaults. */
export function createServiceInstance(init: ServiceInstanceInit): ServiceInstance {
  const serviceVersion = init.serviceVersion ?? DEFAULTS.serviceVersion;
  const base = { serviceName: init.serviceName, serviceVersion, serviceHost: init.serviceHost, servicePort: init.servicePort };
  return Object.freeze({
    ...base,
    serviceGroup: init.serviceGroup ?? DEFAULTS.serviceGroup,
    id: init.id ?? defaultInstanceId(base),
    protocol: init.protocol ?? DEFAULTS.protocol,
    weight: init.weight ?? DEFAULTS.weight,
    zone: init.zone ?? null,
    status: init.status ?? 'UP',
    metadata: Object.freeze({ ...(init.metadata ?? {}) }),
    registeredAt: init.registeredAt ?? new Date().toISOString(),
    schema: init.schema ?? INSTANCE_SCHEMA,
  });
}

/** Serialises an instance to the documented JSON value (fixed field order). */
export function encodeInstance(instance: ServiceInstance): string {
  return JSON.stringify({
    serviceName: instance.serviceName,
    serviceVersion: instance.serviceVersion,
    serviceHost: instance.serviceHost,
    servicePort: instance.servicePort,
    serviceGroup: instance.serviceGroup,
    id: instance.id,
    protocol: instance.protocol,
    weight: instance.weight,
    zone: instance.zone,
    status: instance.status,
    metadata: instance.metadata,
    registeredAt: instance.registeredAt,
    schema: instance.schema,
  });
}

/** Whether two instances carry the same values (field by field, metadata included). */
export function sameInstance(a: ServiceInstance, b: ServiceInstance): boolean {
  if (
    a.serviceName !== b.serviceName ||
    a.serviceVersion !== b.serviceVersion ||
    a.serviceHost !== b.serviceHost ||
    a.servicePort !== b.servicePort ||
    a.serviceGroup !== b.serviceGroup ||
    a.id !== b.id ||
    a.protocol !== b.protocol ||
    a.weight !== b.weight ||
    a.zone !== b.zone ||
    a.status !== b.status ||
    a.registeredAt !== b.registeredAt ||
    a.schema !== b.schema
  ) {
    return false;
  }
  if (a.metadata === b.metadata) return true;
  const keys = Object.keys(a.metadata);
  if (keys.length !== Object.keys(b.metadata).length) return false;
  return keys.every((key) => a.metadata[key] === b.metadata[key]);
}

/** Outcome of {@link decodeInstance}: the instance, or why the value was rejected. */
export type DecodeResult = { ok: true; instance: ServiceInstance } | { ok: false; reason: string };

const EMPTY_METADATA: Readonly<Record<string, string>> = Object.freeze({});
const STATUS_SET: ReadonlySet<unknown> = new Set(INSTANCE_STATUSES);

function fail(reason: string): DecodeResult {
  return { ok: false, reason };
}

/** `value` if it is a map of strings (frozen; the shared empty map when empty), else `undefined`. */
function stringMap(value: unknown): Readonly<Record<string, string>> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  let empty = true;
  for (const key in value) {
    empty = false;
    if (typeof (value as Record<string, unknown>)[key] !== 'string') return undefined;
  }
  return empty ? EMPTY_METADATA : Object.freeze(value as Record<string, string>);
}

const FIELD_COUNT = 13;

/** Whether a validated value has exactly the 13 instance fields (none missing, none extra). */
function isComplete(v: Record<string, unknown>): boolean {
  if (
    v.serviceGroup === undefined ||
    v.id === undefined ||
    v.protocol === undefined ||
    v.weight === undefined ||
    v.zone === undefined ||
    v.status === undefined ||
    v.metadata === undefined ||
    v.registeredAt === undefined ||
    v.schema === undefined
  ) {
    return false;
  }
  let count = 0;
  for (const key in v) if (Object.prototype.hasOwnProperty.call(v, key)) count++;
  return count === FIELD_COUNT;
}

/**
 * Parses a stored value. Accepts a value with only the five yu-rpc fields; rejects, with a
 * reason, anything that is not JSON, lacks a required field or has a field of the wrong type.
 * Straight-line code: it runs once per instance on every cold read (10 000 instances = 10 000 calls).
 */
export function decodeInstance(raw: string): DecodeResult {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return fail('value is not JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail('value is not a JSON object');
  const { serviceName, serviceVersion, serviceHost, servicePort } = v;
  if (typeof serviceName !== 'string' || serviceName === '') return fail('serviceName is missing or not a string');
  if (typeof serviceVersion !== 'string' || serviceVersion === '') return fail('serviceVersion is missing or not a string');
  if (typeof serviceHost !== 'string' || serviceHost === '') return fail('serviceHost is missing or not a string');
  if (typeof servicePort !== 'number' || !Number.isInteger(servicePort) || servicePort < 1 || servicePort > 65535) {
    return fail('servicePort is missing or not an integer in 1..65535');
  }
  const { serviceGroup, id, protocol, weight, zone, status, metadata, registeredAt, schema } = v;
  if (serviceGroup !== undefined && typeof serviceGroup !== 'string') return fail('serviceGroup must be a string');
  if (id !== undefined && (typeof id !== 'string' || id === '')) return fail('id must be a non-empty string');
  if (protocol !== undefined && (typeof protocol !== 'string' || protocol === '')) return fail('protocol must be a non-empty string');
  if (weight !== undefined && (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 0))
    return fail('weight must be an integer ≥ 0');
  if (zone !== undefined && zone !== null && typeof zone !== 'string') return fail('zone must be a string or null');
  if (status !== undefined && !STATUS_SET.has(status)) return fail(`status must be ${INSTANCE_STATUSES.join(' | ')}`);
  const meta = metadata === undefined ? EMPTY_METADATA : stringMap(metadata);
  if (meta === undefined) return fail('metadata must be a map of strings');
  if (registeredAt !== undefined && typeof registeredAt !== 'string') return fail('registeredAt must be a string');
  if (schema !== undefined && (typeof schema !== 'number' || !Number.isInteger(schema))) return fail('schema must be an integer');
  if (isComplete(v)) {
    // Written by this library (or as completely): every field present and valid, nothing else.
    // Freeze the parsed object itself instead of copying it (cold reads decode thousands).
    if (meta !== metadata) v.metadata = meta;
    return { ok: true, instance: Object.freeze(v) as unknown as ServiceInstance };
  }
  const instance: ServiceInstance = Object.freeze({
    serviceName,
    serviceVersion,
    serviceHost,
    servicePort,
    serviceGroup: serviceGroup ?? DEFAULTS.serviceGroup,
    id: id ?? `${serviceName}:${serviceVersion}@${serviceHost}:${servicePort}`,
    protocol: protocol ?? DEFAULTS.protocol,
    weight: weight ?? DEFAULTS.weight,
    zone: zone ?? null,
    status: (status as InstanceStatus | undefined) ?? 'UP',
    metadata: meta,
    registeredAt: registeredAt ?? '',
    schema: schema ?? INSTANCE_SCHEMA,
  });
  return { ok: true, instance };
}
