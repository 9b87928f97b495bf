import {
  FIELD_RULES,
  INSTANCE_FIELDS,
  isCompleteInstance,
  MAX_INSTANCE_BYTES,
  OMITTED_AT_DEFAULT,
  REQUIRED_FIELDS,
  type FieldRule,
} from './instance-fields.js';
import { fieldDefaults, type ServiceInstance } from './service-instance.js';
import type { InstanceCheck } from './instance-check.js';

/**
 * The instance codec (DESIGN §2, the wire contract): the JSON value of one instance key, its
 * fields in the order of `INSTANCE_FIELDS`. Both directions are driven by the one field table in
 * `instance-fields.ts`, so a field added there is encoded, decoded and validated everywhere.
 */

/** Outcome of {@link decodeInstance}: the instance, or why the value was rejected. @publicApi */
export type DecodeResult = { ok: true; instance: ServiceInstance } | { ok: false; reason: string };

const EMPTY_METADATA: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Serialises an instance to the documented JSON value (fixed field order). `ephemeral` and `check`
 * are written only when they differ from their defaults (a permanent instance). @publicApi
 */
export function encodeInstance(instance: ServiceInstance): string {
  const ordered: Record<string, unknown> = {};
  for (const field of INSTANCE_FIELDS) {
    const value = instance[field];
    if (value !== OMITTED_AT_DEFAULT.get(field) || !OMITTED_AT_DEFAULT.has(field)) ordered[field] = value;
  }
  return JSON.stringify(ordered);
}

function fail(reason: string): DecodeResult {
  return { ok: false, reason };
}

/**
 * Parses a stored value; never throws. Accepts a value with only the yu-rpc address fields (the
 * others take their defaults); rejects, with a reason, anything that is not a JSON object, is
 * larger than 64 KiB, lacks a required field or has a field that breaks its rule. Unknown fields
 * are dropped. A complete value is frozen in place rather than copied: a cold read decodes
 * thousands. @publicApi
 */
export function decodeInstance(raw: string): DecodeResult {
  if (raw.length > MAX_INSTANCE_BYTES) return fail(`value is larger than ${MAX_INSTANCE_BYTES} bytes`);
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return fail('value is not JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail('value is not a JSON object');
  const metadata = v.metadata as Record<string, string> | undefined;
  if (isCompleteInstance(v)) {
    // Written by this library (or as completely): every field present and valid, nothing else.
    v.metadata = isEmpty(metadata!) ? EMPTY_METADATA : Object.freeze(metadata!);
    v.ephemeral = true;
    v.check = null;
    return { ok: true, instance: Object.freeze(v) as unknown as ServiceInstance };
  }
  for (const field of INSTANCE_FIELDS) {
    const value = v[field];
    if (value === undefined) {
      if (REQUIRED_FIELDS.has(field)) return fail(`${field} is missing`);
      continue;
    }
    const rule: FieldRule = FIELD_RULES[field];
    if (!rule.valid(value)) return fail(`${field} must be ${rule.rule}`);
  }
  const instance = v as unknown as ServiceInstance;
  const defaults: ServiceInstance = { ...fieldDefaults(instance, ''), ...instance };
  const complete: Record<string, unknown> = {};
  for (const field of INSTANCE_FIELDS) complete[field] = v[field] ?? defaults[field];
  complete.metadata = metadata === undefined || isEmpty(metadata) ? EMPTY_METADATA : Object.freeze({ ...metadata });
  if (complete.check) complete.check = freezeCheck(complete.check as InstanceCheck);
  return { ok: true, instance: Object.freeze(complete) as unknown as ServiceInstance };
}

/** The check in its documented field order, frozen (so equal checks compare equal whoever wrote them). */
function freezeCheck(c: InstanceCheck): InstanceCheck {
  const last = c.last === null ? null : Object.freeze({ ok: c.last.ok, at: c.last.at, detail: c.last.detail });
  const { type, path, interval, timeout, failureThreshold, successThreshold, deregisterAfter } = c;
  return Object.freeze({ type, path, interval, timeout, failureThreshold, successThreshold, deregisterAfter, last });
}

function isEmpty(value: object): boolean {
  for (const _ in value) return false;
  return true;
}
