import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { decodeInstance, encodeInstance } from './instance.codec.js';
import { INSTANCE_STATUSES } from './instance-fields.js';
import { createServiceInstance, sameInstance, type ServiceInstance } from './service-instance.js';
import { validateInstance } from './validate-instance.js';

// Property-based checks of the wire codec and the register-side validator (issue 11, item 5):
// decoding never throws, a value is valid or skipped with a reason, what registers round-trips,
// and the two sides agree on what is valid.
const name = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,30}$/);
// eslint-disable-next-line no-control-regex -- printable means: none of these control characters
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const printable = (max: number) => fc.string({ maxLength: max }).filter((s) => !CONTROL.test(s));

const validInstance: fc.Arbitrary<ServiceInstance> = fc
  .record({
    serviceName: name,
    serviceVersion: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,10}$/),
    serviceHost: fc.oneof(fc.ipV4(), fc.domain()),
    servicePort: fc.integer({ min: 1, max: 65535 }),
    serviceGroup: printable(20).filter((s) => s !== ''),
    protocol: fc.constantFrom('http', 'tcp', 'grpc', 'h2c'),
    weight: fc.integer({ min: 0, max: 1_000_000 }),
    zone: fc.option(printable(20), { nil: null }),
    status: fc.constantFrom(...INSTANCE_STATUSES),
    metadata: fc.dictionary(
      printable(12).filter((k) => k !== '' && k !== '__proto__'),
      printable(30),
      { maxKeys: 5 },
    ),
  })
  .map((init) => createServiceInstance(init));

describe('instance codec (properties)', () => {
  it('never throws on any text, and says why when it refuses', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (raw) => {
          const decoded = decodeInstance(raw);
          expect(decoded.ok || decoded.reason.length > 0).toBe(true);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('round-trips every instance that may be registered', () => {
    fc.assert(
      fc.property(validInstance, (instance) => {
        expect(validateInstance(instance)).toBeUndefined();
        const decoded = decodeInstance(encodeInstance(instance));
        expect(decoded.ok && sameInstance(decoded.instance, instance)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with the register-side validator: an instance registers exactly when its value decodes', () => {
    const anyField = fc.record({
      field: fc.constantFrom('serviceGroup', 'id', 'protocol', 'weight', 'zone', 'status', 'metadata', 'serviceHost'),
      value: fc.jsonValue(), // what a stored value can carry (a missing field takes its default when read)
    });
    fc.assert(
      fc.property(validInstance, anyField, (instance, { field, value }) => {
        const changed: ServiceInstance = { ...instance, [field]: value };
        expect(decodeInstance(encodeInstance(changed)).ok).toBe(validateInstance(changed) === undefined);
      }),
      { numRuns: 1_000 },
    );
  });

  it('never pollutes prototypes, whatever the value carries', () => {
    fc.assert(
      fc.property(validInstance, fc.jsonValue(), (instance, payload) => {
        const value = encodeInstance(instance).replace(
          /^\{/,
          `{"__proto__":${JSON.stringify({ polluted: payload })},"constructor":{"prototype":{"polluted":1}},`,
        );
        decodeInstance(value);
        const withMetadata = encodeInstance(instance).replace('"metadata":{', '"metadata":{"__proto__":{"polluted":"yes"},');
        expect(decodeInstance(withMetadata).ok).toBe(false);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
});
