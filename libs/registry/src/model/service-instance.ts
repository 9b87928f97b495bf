import { DEFAULTS, INSTANCE_SCHEMA } from '../registry.constants.js';

/** Lifecycle states an instance advertises. Only `UP` instances are handed out by default. */
export type InstanceStatus = 'UP' | 'DOWN' | 'STARTING' | 'OUT_OF_SERVICE';

/** All valid {@link InstanceStatus} values. */
export const INSTANCE_STATUSES: readonly InstanceStatus[] = Object.freeze([
  'UP',
  'DOWN',
  'STARTING',
  'OUT_OF_SERVICE',
]);

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
export function instanceKey(namespace: string, instance: Pick<ServiceInstance, 'serviceName' | 'serviceVersion' | 'serviceHost' | 'servicePort'>): string {
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
export function defaultInstanceId(instance: Pick<ServiceInstance, 'serviceName' | 'serviceVersion' | 'serviceHost' | 'servicePort'>): string {
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

/** Outcome of {@link decodeInstance}: the instance, or why the value was rejected. */
export type DecodeResult = { ok: true; instance: ServiceInstance } | { ok: false; reason: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringMap(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every((v) => typeof v === 'string');
}

/**
 * Parses a stored value. Accepts a value with only the five yu-rpc fields; rejects, with a
 * reason, anything that is not JSON, lacks a required field or has a field of the wrong type.
 */
export function decodeInstance(raw: string): DecodeResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'value is not JSON' };
  }
  if (!isRecord(parsed)) return { ok: false, reason: 'value is not a JSON object' };
  const v = parsed;
  if (typeof v.serviceName !== 'string' || v.serviceName === '') return { ok: false, reason: 'serviceName is missing or not a string' };
  if (typeof v.serviceVersion !== 'string' || v.serviceVersion === '') return { ok: false, reason: 'serviceVersion is missing or not a string' };
  if (typeof v.serviceHost !== 'string' || v.serviceHost === '') return { ok: false, reason: 'serviceHost is missing or not a string' };
  if (typeof v.servicePort !== 'number' || !Number.isInteger(v.servicePort) || v.servicePort < 1 || v.servicePort > 65535) {
    return { ok: false, reason: 'servicePort is missing or not an integer in 1..65535' };
  }
  const optional: Array<[string, (x: unknown) => boolean, string]> = [
    ['serviceGroup', (x) => typeof x === 'string', 'a string'],
    ['id', (x) => typeof x === 'string' && x !== '', 'a non-empty string'],
    ['protocol', (x) => typeof x === 'string' && x !== '', 'a non-empty string'],
    ['weight', (x) => typeof x === 'number' && Number.isInteger(x) && x >= 0, 'an integer ≥ 0'],
    ['zone', (x) => x === null || typeof x === 'string', 'a string or null'],
    ['status', (x) => (INSTANCE_STATUSES as readonly unknown[]).includes(x), INSTANCE_STATUSES.join(' | ')],
    ['metadata', isStringMap, 'a map of strings'],
    ['registeredAt', (x) => typeof x === 'string', 'a string'],
    ['schema', (x) => typeof x === 'number' && Number.isInteger(x), 'an integer'],
  ];
  for (const [field, check, rule] of optional) {
    if (v[field] !== undefined && !check(v[field])) return { ok: false, reason: `${field} must be ${rule}` };
  }
  return {
    ok: true,
    instance: createServiceInstance({
      serviceName: v.serviceName,
      serviceVersion: v.serviceVersion,
      serviceHost: v.serviceHost,
      servicePort: v.servicePort,
      serviceGroup: v.serviceGroup as string | undefined,
      id: v.id as string | undefined,
      protocol: v.protocol as string | undefined,
      weight: v.weight as number | undefined,
      zone: v.zone as string | null | undefined,
      status: v.status as InstanceStatus | undefined,
      metadata: v.metadata as Record<string, string> | undefined,
      registeredAt: (v.registeredAt as string | undefined) ?? '',
      schema: v.schema as number | undefined,
    }),
  };
}
