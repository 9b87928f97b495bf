import { DEFAULTS } from '../registry.constants.js';
import { defaultInstanceId, type InstanceAddress } from './key-layout.js';
import { INSTANCE_FIELDS } from './instance-fields.js';
import { sameCheck, type InstanceCheck } from './instance-check.js';

/** Lifecycle states an instance advertises. Only `UP` instances are handed out by default. @publicApi */
export type InstanceStatus = 'UP' | 'DOWN' | 'STARTING' | 'OUT_OF_SERVICE';

/**
 * One registered instance of a service: the JSON value stored under
 * `/{namespace}/{serviceName}:{serviceVersion}/{serviceHost}:{servicePort}` (DESIGN §2).
 * The rule of every field is in `FIELD_RULES` (`instance-fields.ts`).
 *
 * The first five fields are the yu-rpc `ServiceMetaInfo` fields; a value carrying only those is
 * valid and the others take their defaults. @publicApi
 */
export interface ServiceInstance extends InstanceAddress {
  /** Default `"default"`. */
  readonly serviceGroup: string;
  /** `{serviceName}:{serviceVersion}@{serviceHost}:{servicePort}` unless the writer chose another. */
  readonly id: string;
  /** What consumers speak to it: `http` (default), `tcp`, `grpc`... */
  readonly protocol: string;
  /** Integer in 0..1000000 used by weighted balancing. Default 100. */
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
  /**
   * `true` (default) for an instance kept alive by its process's lease; `false` for a permanent
   * instance, which stays until deregistered (`ServiceRegistry.registerPermanent`, the CLI). Written
   * only when `false`, so other values are unchanged.
   */
  readonly ephemeral: boolean;
  /** A permanent instance's health check and its last result, or `null` (default; written only when set). */
  readonly check: InstanceCheck | null;
}

/** Schema version written in every instance value. @internal */
export const INSTANCE_SCHEMA = 1;

/** Fields a caller provides to build an instance; the rest take their defaults. @publicApi */
export type ServiceInstanceInit = Pick<ServiceInstance, 'serviceName' | 'serviceHost' | 'servicePort'> &
  Partial<Omit<ServiceInstance, 'serviceName' | 'serviceHost' | 'servicePort'>>;

const EMPTY_METADATA: Readonly<Record<string, string>> = Object.freeze({});

/**
 * The default of every optional field, given the address. `registeredAt` defaults to `now` when
 * building and to `''` when decoding a value that did not say (the codec passes `''`).
 * @internal
 */
export function fieldDefaults(address: InstanceAddress, registeredAt: string): Omit<ServiceInstance, keyof InstanceAddress> {
  return {
    serviceGroup: 'default',
    id: defaultInstanceId(address),
    protocol: 'http',
    weight: 100,
    zone: null,
    status: 'UP',
    metadata: EMPTY_METADATA,
    registeredAt,
    schema: INSTANCE_SCHEMA,
    ephemeral: true,
    check: null,
  };
}

/** Builds a complete, frozen instance from its required fields plus defaults (not validated: see `invalidField`). @publicApi */
export function createServiceInstance(init: ServiceInstanceInit): ServiceInstance {
  const address = { ...init, serviceVersion: init.serviceVersion ?? DEFAULTS.serviceVersion };
  const defaults: ServiceInstance = { ...fieldDefaults(address, new Date().toISOString()), ...address };
  const instance: Record<string, unknown> = {};
  for (const field of INSTANCE_FIELDS) instance[field] = init[field] ?? defaults[field];
  instance.metadata = Object.freeze({ ...(init.metadata ?? {}) });
  return Object.freeze(instance) as unknown as ServiceInstance;
}

/** Whether two instances carry the same values (field by field, metadata entries included). @internal */
export function sameInstance(a: ServiceInstance, b: ServiceInstance): boolean {
  for (const field of INSTANCE_FIELDS) {
    if (field === 'metadata') {
      if (!sameMetadata(a.metadata, b.metadata)) return false;
    } else if (field === 'check') {
      if (!sameCheck(a.check, b.check)) return false;
    } else if (a[field] !== b[field]) {
      return false;
    }
  }
  return true;
}

function sameMetadata(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  if (a === b) return true;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && a[key] === b[key]);
}
