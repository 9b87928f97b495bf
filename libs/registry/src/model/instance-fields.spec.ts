import { describe, expect, it } from '@jest/globals';
import { decodeInstance, encodeInstance } from './instance.codec.js';
import {
  FIELD_RULES,
  INSTANCE_FIELDS,
  invalidField,
  isCompleteInstance,
  OMITTED_AT_DEFAULT,
  type InstanceField,
} from './instance-fields.js';
import { createServiceInstance, sameInstance, type ServiceInstance } from './service-instance.js';
import { validateInstance } from './validate-instance.js';

const base = createServiceInstance({
  serviceName: 's',
  serviceHost: 'h',
  servicePort: 1,
  metadata: { a: 'b' },
  zone: 'z',
  registeredAt: 't',
});

/** A valid value of `field` different from `base`'s. */
const OTHER: { [K in InstanceField]: ServiceInstance[K] } = {
  serviceName: 't',
  serviceVersion: '2.0',
  serviceHost: 'g',
  servicePort: 2,
  serviceGroup: 'blue',
  id: 'other-id',
  protocol: 'tcp',
  weight: 7,
  zone: null,
  status: 'DOWN',
  metadata: { a: 'c' },
  registeredAt: 'u',
  schema: 2,
  ephemeral: false,
  check: {
    type: 'http',
    path: '/health',
    interval: 1_000,
    timeout: 500,
    failureThreshold: 2,
    successThreshold: 1,
    deregisterAfter: null,
    last: { ok: false, at: 'then', detail: 'HTTP 503' },
  },
};

/** A value that breaks the rule of `field`. */
const INVALID: Record<InstanceField, unknown> = {
  serviceName: 'a/b',
  serviceVersion: '',
  serviceHost: 'h\u0000',
  servicePort: 0,
  serviceGroup: 5,
  id: '',
  protocol: '',
  weight: -1,
  zone: 7,
  status: 'BOGUS',
  metadata: { a: 1 },
  registeredAt: 3,
  schema: 0,
  ephemeral: 'no',
  check: {
    type: 'udp',
    path: '',
    interval: 1_000,
    timeout: 500,
    failureThreshold: 1,
    successThreshold: 1,
    deregisterAfter: null,
    last: null,
  },
};

// One field table drives the factory, codec, equality and validation: these cases fail for any
// field one of them misses (the compiler already refuses a field of the type without a rule).
describe.each(INSTANCE_FIELDS.map((field) => [field]))('field %s', (field) => {
  const changed = Object.freeze({ ...base, [field]: OTHER[field] }) as ServiceInstance;

  it('has a rule the factory default and the test values satisfy', () => {
    expect(FIELD_RULES[field].valid(base[field])).toBe(true);
    expect(FIELD_RULES[field].valid(OTHER[field])).toBe(true);
    expect(FIELD_RULES[field].valid(INVALID[field])).toBe(false);
  });

  it('is built by createServiceInstance', () => {
    expect(Object.prototype.hasOwnProperty.call(createServiceInstance({ serviceName: 's', serviceHost: 'h', servicePort: 1 }), field)).toBe(
      true,
    );
  });

  it('is encoded and decoded', () => {
    const decoded = decodeInstance(encodeInstance(changed));
    expect(decoded.ok && decoded.instance[field]).toEqual(OTHER[field]);
  });

  it('is compared by sameInstance', () => {
    expect(sameInstance(base, { ...base })).toBe(true);
    expect(sameInstance(base, changed)).toBe(false);
  });

  it('is validated for registration and when decoding', () => {
    const broken = { ...base, [field]: INVALID[field] };
    expect(invalidField(broken)?.field).toBe(field);
    expect(validateInstance(broken)).toContain(`"${field}"`);
    const raw = JSON.parse(encodeInstance(base)) as Record<string, unknown>;
    const decoded = decodeInstance(JSON.stringify({ ...raw, [field]: INVALID[field] }));
    expect(!decoded.ok && decoded.reason).toContain(field);
  });

  it("is checked by the decoder's fast path, which needs it present unless it is omitted at its default", () => {
    const raw = JSON.parse(encodeInstance(base)) as Record<string, unknown>;
    expect(isCompleteInstance(raw)).toBe(true);
    expect(isCompleteInstance({ ...raw, [field]: INVALID[field] })).toBe(false);
    const { [field]: _left, ...without } = raw;
    expect(isCompleteInstance(without)).toBe(OMITTED_AT_DEFAULT.has(field));
    expect(isCompleteInstance({ ...raw, extra: 1 })).toBe(false);
  });

  it('is checked again for every value, however often an earlier one repeated (the fast path remembers the last valid)', () => {
    if (OMITTED_AT_DEFAULT.has(field)) return expect(OMITTED_AT_DEFAULT.get(field)).toEqual(base[field]); // set: decoded by the full path
    const raw = JSON.parse(encodeInstance(base)) as Record<string, unknown>;
    const other = JSON.parse(encodeInstance({ ...base, [field]: OTHER[field] })) as Record<string, unknown>;
    const bad = { ...raw, [field]: INVALID[field] };
    const results = [raw, raw, bad, bad, other, other, bad, raw].map((v) => isCompleteInstance(v));
    expect(results).toEqual([true, true, false, false, true, true, false, true]);
  });
});

describe('fields omitted at their default', () => {
  it('are left out of an ordinary value and written for a permanent one', () => {
    expect(Object.keys(JSON.parse(encodeInstance(base)) as object)).not.toEqual(expect.arrayContaining(['ephemeral']));
    expect(encodeInstance(base)).not.toContain('"check"');
    const permanent = createServiceInstance({ ...base, ephemeral: false, check: OTHER.check });
    expect(JSON.parse(encodeInstance(permanent))).toMatchObject({ ephemeral: false, check: { type: 'http', path: '/health' } });
  });

  it('decode to their defaults, and a permanent value round-trips', () => {
    const decoded = decodeInstance(encodeInstance(base));
    expect(decoded.ok && [decoded.instance.ephemeral, decoded.instance.check]).toEqual([true, null]);
    const permanent = createServiceInstance({ ...base, ephemeral: false, check: OTHER.check });
    const back = decodeInstance(encodeInstance(permanent));
    expect(back.ok && sameInstance(back.instance, permanent)).toBe(true);
  });
});

describe('validateInstance', () => {
  it('accepts a complete valid instance', () => {
    expect(validateInstance(base)).toBeUndefined();
  });

  it('refuses a value over 64 KiB, naming the instance and its largest field', () => {
    const metadata = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`k${i}`, 'x'.repeat(9_000)]));
    const message = validateInstance({ ...base, metadata });
    expect(message).toContain(`Invalid instance ${base.id}`);
    expect(message).toContain('"metadata"');
    expect(message).toContain('larger than 65536');
  });
});
