import { describe, expect, it } from '@jest/globals';
import { decodeInstance, encodeInstance } from './instance.codec.js';
import { MAX_INSTANCE_BYTES } from './instance-fields.js';
import { createServiceInstance } from './service-instance.js';

describe('instance codec', () => {
  it('encodes exactly the documented fields, in order', () => {
    const instance = createServiceInstance({
      serviceName: 'user-service',
      serviceHost: '10.0.0.7',
      servicePort: 8080,
      registeredAt: '2026-01-01T00:00:00.000Z',
    });
    const encoded = JSON.parse(encodeInstance(instance)) as Record<string, unknown>;
    expect(encoded).toEqual({
      serviceName: 'user-service',
      serviceVersion: '1.0',
      serviceHost: '10.0.0.7',
      servicePort: 8080,
      serviceGroup: 'default',
      id: 'user-service:1.0@10.0.0.7:8080',
      protocol: 'http',
      weight: 100,
      zone: null,
      status: 'UP',
      metadata: {},
      registeredAt: '2026-01-01T00:00:00.000Z',
      schema: 1,
    });
    expect(Object.keys(encoded)).toEqual([
      'serviceName', 'serviceVersion', 'serviceHost', 'servicePort', 'serviceGroup', 'id', 'protocol',
      'weight', 'zone', 'status', 'metadata', 'registeredAt', 'schema',
    ]); // prettier-ignore
  });

  it('round-trips', () => {
    const instance = createServiceInstance({
      serviceName: 's',
      serviceHost: 'h',
      servicePort: 1,
      metadata: { a: 'b' },
      zone: 'z1',
      weight: 5,
    });
    expect(decodeInstance(encodeInstance(instance))).toEqual({ ok: true, instance });
  });

  it('accepts a yu-rpc value with only the five fields and fills the defaults', () => {
    const decoded = decodeInstance(
      '{"serviceName":"user-service","serviceVersion":"1.0","serviceHost":"10.0.0.7","servicePort":8080,"serviceGroup":"default"}',
    );
    expect(decoded.ok && decoded.instance).toEqual({
      serviceName: 'user-service',
      serviceVersion: '1.0',
      serviceHost: '10.0.0.7',
      servicePort: 8080,
      serviceGroup: 'default',
      id: 'user-service:1.0@10.0.0.7:8080',
      protocol: 'http',
      weight: 100,
      zone: null,
      status: 'UP',
      metadata: {},
      registeredAt: '',
      schema: 1,
      ephemeral: true,
      check: null,
    });
  });

  it('keeps no field it does not know, whether the value is complete or not', () => {
    const full = JSON.parse(encodeInstance(createServiceInstance({ serviceName: 's', serviceHost: 'h', servicePort: 1 }))) as Record<
      string,
      unknown
    >;
    const extra = decodeInstance(JSON.stringify({ ...full, javaOnly: 'x' }));
    const defaults = { ephemeral: true, check: null }; // omitted from an ordinary value, present once decoded
    expect(extra.ok && Object.keys(extra.instance)).toEqual(Object.keys({ ...full, ...defaults }));
    const complete = decodeInstance(JSON.stringify(full));
    expect(complete.ok && complete.instance).toEqual({ ...full, ...defaults });
  });

  it('freezes decoded instances and their metadata, complete or not', () => {
    const partial = decodeInstance('{"serviceName":"a","serviceVersion":"1.0","serviceHost":"h","servicePort":80,"metadata":{"k":"v"}}');
    expect(partial.ok && Object.isFrozen(partial.instance) && Object.isFrozen(partial.instance.metadata)).toBe(true);
    const complete = decodeInstance(
      encodeInstance(createServiceInstance({ serviceName: 'a', serviceHost: 'h', servicePort: 1, metadata: { k: 'v' } })),
    );
    expect(complete.ok && Object.isFrozen(complete.instance) && Object.isFrozen(complete.instance.metadata)).toBe(true);
  });

  it.each([
    ['not json', 'value is not JSON'],
    ['[1]', 'not a JSON object'],
    ['null', 'not a JSON object'],
    ['{"serviceName":"a","serviceVersion":"1.0","serviceHost":"h"}', 'servicePort is missing'],
    ['{"serviceName":"a","serviceVersion":"1.0","serviceHost":"h","servicePort":"80"}', 'servicePort must be'],
    ['{"serviceName":"a","serviceVersion":"1.0","serviceHost":"h","servicePort":80,"status":"MAYBE"}', 'status must be'],
    ['{"serviceName":"a","serviceVersion":"1.0","serviceHost":"h","servicePort":80,"metadata":{"a":1}}', 'metadata must be'],
    ['{"serviceName":"a","serviceVersion":"1.0","serviceHost":"h\\u0007","servicePort":80}', 'serviceHost must be'],
    ['{"serviceName":"a","serviceVersion":"1.0","serviceHost":"h","servicePort":80,"metadata":{"__proto__":"x"}}', 'metadata must be'],
  ])('rejects %s with a reason', (raw, reason) => {
    const decoded = decodeInstance(raw);
    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.reason).toContain(reason);
  });

  // decodeInstance skips the per-string control scan when the raw text has no escape and no
  // DEL/C1 character: every way a control character can arrive must still be caught.
  it.each([
    ['an escaped C0 in serviceGroup', '"serviceGroup":"g\\u0001"', 'serviceGroup must be'],
    ['an escaped newline in id', '"id":"x\\ny"', 'id must be'],
    ['a raw DEL in zone', '"zone":"z\u007f"', 'zone must be'],
    ['a raw C1 in registeredAt', '"registeredAt":"t\u0085"', 'registeredAt must be'],
    ['an escaped C0 in a metadata key', '"metadata":{"k\\u001b":"v"}', 'metadata must be'],
  ])('rejects a control character arriving as %s', (_how, field, reason) => {
    const decoded = decodeInstance(`{"serviceName":"a","serviceVersion":"1.0","serviceHost":"h","servicePort":80,${field}}`);
    expect(!decoded.ok && decoded.reason).toContain(reason);
  });

  it('accepts printable non-ASCII text, escaped or not', () => {
    const decoded = decodeInstance('{"serviceName":"a","serviceVersion":"1.0","serviceHost":"h","servicePort":80,"zone":"z\\u00e9\u00e9"}');
    expect(decoded.ok && decoded.instance.zone).toBe('z\u00e9\u00e9');
  });

  it(`rejects a value larger than ${MAX_INSTANCE_BYTES} bytes before parsing it`, () => {
    const huge = JSON.stringify({
      serviceName: 'a',
      serviceVersion: '1.0',
      serviceHost: 'h',
      servicePort: 1,
      pad: 'x'.repeat(MAX_INSTANCE_BYTES),
    });
    expect(decodeInstance(huge)).toEqual({ ok: false, reason: `value is larger than ${MAX_INSTANCE_BYTES} bytes` });
  });
});
