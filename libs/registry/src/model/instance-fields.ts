import type { InstanceStatus, ServiceInstance } from './service-instance.js';
import { CHECK_RULE_TEXT, isValidCheck } from './instance-check.js';

/** How one instance field is checked: the rule in words (for messages) and the check itself. @publicApi */
export interface FieldRule {
  /** What a valid value looks like, e.g. `an integer in 1..65535`. */
  readonly rule: string;
  valid(value: unknown): boolean;
}

/** Largest encoded instance value, bytes (64 KiB). Bigger values are refused when registering and skipped when read. @publicApi */
export const MAX_INSTANCE_BYTES = 64 * 1024;

/** Every instance status, in the order documented. @publicApi */
export const INSTANCE_STATUSES: readonly InstanceStatus[] = Object.freeze(['UP', 'DOWN', 'STARTING', 'OUT_OF_SERVICE']);

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;
const PROTOCOL = /^[a-z][a-z0-9+.-]{0,31}$/;
// Printable text: no control characters (C0, DEL, C1), so a value can never forge a log line.
// eslint-disable-next-line no-control-regex -- the point of this pattern is to match control characters
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const HOST_FORBIDDEN = /[\s/]/;
const STATUS_SET: ReadonlySet<unknown> = new Set(INSTANCE_STATUSES);

const text = (value: unknown, max: number, allowEmpty: boolean): value is string =>
  typeof value === 'string' && value.length <= max && (allowEmpty || value !== '') && !CONTROL.test(value);
const integer = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

/** Whether `value` is a map of at most 64 printable string entries, with no `__proto__` key. */
function isMetadata(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  let entries = 0;
  for (const key in value) {
    if (++entries > 64 || key === '__proto__' || !text(key, 256, false)) return false;
    if (!text((value as Record<string, unknown>)[key], 16 * 1024, true)) return false;
  }
  return true;
}

/** Rule text of service names and namespaces. @internal */
export const NAME_RULE_TEXT = 'letters, digits, ".", "_" and "-", starting with a letter or digit, at most 128 characters';
/** Rule text of versions. @internal */
export const VERSION_RULE_TEXT = 'letters, digits, ".", "_", "+" and "-", starting with a letter or digit, at most 64 characters';

/** Whether `name` can be a namespace or service name (no `/` or `:`, so keys stay unambiguous). @internal */
export function isValidName(name: unknown): name is string {
  return typeof name === 'string' && NAME.test(name);
}

/** Whether `version` can be a service version. @internal */
export function isValidVersion(version: unknown): version is string {
  return typeof version === 'string' && VERSION.test(version);
}

/** Whether `host` can be advertised: printable, no spaces or `/`, at most 253 characters. @internal */
export function isValidHost(host: unknown): host is string {
  return text(host, 253, false) && !HOST_FORBIDDEN.test(host);
}

// The rule of each field, named so that the table below and `isCompleteInstance` share them.
function validPort(v: unknown): boolean {
  return integer(v, 1, 65535);
}
function validGroup(v: unknown): boolean {
  return text(v, 128, false);
}
function validId(v: unknown): boolean {
  return text(v, 512, false);
}
function validProtocol(v: unknown): boolean {
  return typeof v === 'string' && PROTOCOL.test(v);
}
function validWeight(v: unknown): boolean {
  return integer(v, 0, 1_000_000);
}
function validZone(v: unknown): boolean {
  return v === null || text(v, 128, true);
}
function validStatus(v: unknown): boolean {
  return STATUS_SET.has(v);
}
function validRegisteredAt(v: unknown): boolean {
  return text(v, 64, true);
}
function validSchema(v: unknown): boolean {
  return integer(v, 1, Number.MAX_SAFE_INTEGER);
}
function validEphemeral(v: unknown): boolean {
  return typeof v === 'boolean';
}

/**
 * The one list of instance fields, in the order they are encoded, each with its rule. The
 * factory, codec, equality and validation all iterate it; `satisfies` makes the compiler reject
 * a field of {@link ServiceInstance} without a rule, or a rule for a field it does not have.
 * @publicApi
 */
export const FIELD_RULES = {
  serviceName: { rule: NAME_RULE_TEXT, valid: isValidName },
  serviceVersion: { rule: VERSION_RULE_TEXT, valid: isValidVersion },
  serviceHost: { rule: 'a host name or IP address: printable, no spaces or "/", at most 253 characters', valid: isValidHost },
  servicePort: { rule: 'an integer in 1..65535', valid: validPort },
  serviceGroup: { rule: 'a non-empty printable string of at most 128 characters', valid: validGroup },
  id: { rule: 'a non-empty printable string of at most 512 characters', valid: validId },
  protocol: { rule: 'a lower-case scheme such as "http", "tcp" or "grpc" (at most 32 characters)', valid: validProtocol },
  weight: { rule: 'an integer in 0..1000000', valid: validWeight },
  zone: { rule: 'null or a printable string of at most 128 characters', valid: validZone },
  status: { rule: INSTANCE_STATUSES.join(' | '), valid: validStatus },
  metadata: { rule: 'a map of at most 64 printable strings (keys up to 256 characters, no "__proto__")', valid: isMetadata },
  registeredAt: { rule: 'a printable string of at most 64 characters (ISO-8601 time)', valid: validRegisteredAt },
  schema: { rule: 'an integer ≥ 1', valid: validSchema },
  ephemeral: { rule: 'true or false', valid: validEphemeral },
  check: { rule: CHECK_RULE_TEXT, valid: isValidCheck },
} as const satisfies { readonly [K in keyof ServiceInstance]-?: FieldRule };

/** A field of {@link ServiceInstance}. @publicApi */
export type InstanceField = keyof typeof FIELD_RULES;

/** Every field, in encoding order. @publicApi */
export const INSTANCE_FIELDS = Object.freeze(Object.keys(FIELD_RULES) as InstanceField[]);

/**
 * Fields written only when they differ from their default (`ephemeral: true`, `check: null`), so
 * the values of ordinary instances stay what they were before permanent instances existed. @internal
 */
export const OMITTED_AT_DEFAULT: ReadonlyMap<InstanceField, unknown> = new Map<InstanceField, unknown>([
  ['ephemeral', true],
  ['check', null],
]);

/** How many fields a value of an ordinary instance carries (every field but those omitted at their default). */
const ORDINARY_FIELD_COUNT = INSTANCE_FIELDS.length - OMITTED_AT_DEFAULT.size;

/** Fields a stored value must carry (the yu-rpc address); the others take defaults. @internal */
export const REQUIRED_FIELDS: ReadonlySet<InstanceField> = new Set(['serviceName', 'serviceVersion', 'serviceHost', 'servicePort']);

/** The first field of `candidate` that breaks its rule, or `undefined` when every field is valid. @internal */
export function invalidField(
  candidate: Readonly<Record<InstanceField, unknown>>,
): { field: InstanceField; value: unknown; rule: string } | undefined {
  for (const field of INSTANCE_FIELDS) {
    const rule: FieldRule = FIELD_RULES[field];
    if (!rule.valid(candidate[field])) return { field, value: candidate[field], rule: rule.rule };
  }
  return undefined;
}

/**
 * `rule`, remembering the last string it accepted: the instances of a service share their name,
 * version, group and protocol (and often host), so a repeat costs one comparison instead of a
 * pattern test. A rule depends on the value only, so the answer is the same.
 */
function remembering(rule: (value: unknown) => boolean): (value: unknown) => boolean {
  let accepted: string | undefined;
  return (value) => {
    if (value === accepted) return true;
    if (!rule(value)) return false;
    if (typeof value === 'string') accepted = value;
    return true;
  };
}
const knownName = remembering(isValidName);
const knownVersion = remembering(isValidVersion);
const knownHost = remembering(isValidHost);
const knownGroup = remembering(validGroup);
const knownProtocol = remembering(validProtocol);

/**
 * Whether `v` has exactly the fields of an ordinary instance (every field but those in
 * {@link OMITTED_AT_DEFAULT}), each valid by its rule in {@link FIELD_RULES}:
 * the decoder's fast path for values written by this library. The same rule functions, called
 * by name so the engine inlines them (a loop over the table calls thirteen functions from one
 * place, and cost a third of a cold read's decoding); the shared fields through {@link remembering}.
 * `instance-fields.spec.ts` fails when a field is left out here.
 * @internal
 */
export function isCompleteInstance(v: Readonly<Record<string, unknown>>): boolean {
  return (
    knownName(v.serviceName) &&
    knownVersion(v.serviceVersion) &&
    knownHost(v.serviceHost) &&
    validPort(v.servicePort) &&
    knownGroup(v.serviceGroup) &&
    validId(v.id) &&
    knownProtocol(v.protocol) &&
    validWeight(v.weight) &&
    validZone(v.zone) &&
    validStatus(v.status) &&
    isMetadata(v.metadata) &&
    validRegisteredAt(v.registeredAt) &&
    validSchema(v.schema) &&
    ownKeyCount(v) === ORDINARY_FIELD_COUNT
  );
}

function ownKeyCount(value: object): number {
  let count = 0;
  for (const key in value) if (Object.prototype.hasOwnProperty.call(value, key)) count++;
  return count;
}
