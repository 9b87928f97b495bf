import { describe, expect, it } from '@jest/globals';
import {
  createServiceInstance,
  decodeInstance,
  encodeInstance,
  instanceKey,
  parseServiceKeyOf,
  sameInstance,
  servicePrefix,
} from './service-instance.js';

describe('key layout', () => {
  it('follows /{namespace}/{name}:{version}/{host}:{port}', () => {
    const instance = createServiceInstance({ serviceName: 'user-service', serviceHost: '10.0.0.7', servicePort: 8080 });
    expect(instanceKey('rpc', instance)).toBe('/rpc/user-service:1.0/10.0.0.7:8080');
  });

  it('ends prefixes in "/" so "user" never matches "user-service"', () => {
    const prefix = servicePrefix('rpc', 'user', '1.0');
    expect(prefix).toBe('/rpc/user:1.0/');
    expect('/rpc/user-service:1.0/10.0.0.7:8080'.startsWith(prefix)).toBe(false);
  });

  it('parses a key back into service and version', () => {
    expect(parseServiceKeyOf('rpc', '/rpc/user-service:2.1/h:1')).toEqual({ serviceName: 'user-service', serviceVersion: '2.1' });
    expect(parseServiceKeyOf('rpc', '/rpc/no-version/h:1')).toBeUndefined();
    expect(parseServiceKeyOf('rpc', '/other/a:1/h:1')).toBeUndefined();
  });
});

describe('codec', () => {
  it('encodes exactly the documented fields, in order', () => {
    const instance = createServiceInstance({
      serviceName: 'user-service',
      serviceHost: '10.0.0.7',
      servicePort: 8080,
      registeredAt: '2026-01-01T00:00:00.000Z',
    });
    expect(JSON.parse(encodeInstance(instance))).toEqual({
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
    expect(Object.keys(JSON.parse(encodeInstance(instance)))[0]).toBe('serviceName');
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
    const decoded = decodeInstance(encodeInstance(instance));
    expect(decoded).toEqual({ ok: true, instance });
  });

  it('accepts a yu-rpc value with only the five fields and fills the defaults', () => {
    const decoded = decodeInstance(
      '{"serviceName":"user-service","serviceVersion":"1.0","serviceHost":"10.0.0.7","servicePort":8080,"serviceGroup":"default"}',
    );
    expect(decoded.ok && decoded.instance).toMatchObject({
      status: 'UP',
      weight: 100,
      protocol: 'http',
      id: 'user-service:1.0@10.0.0.7:8080',
      metadata: {},
    });
  });

  it('sameInstance compares every field, metadata included, not the JSON text', () => {
    const a = createServiceInstance({ serviceName: 's', serviceHost: 'h', servicePort: 1, metadata: { a: 'b' }, registeredAt: 'x' });
    const reordered = decodeInstance(JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(encodeInstance(a))).reverse())));
    expect(reordered.ok && sameInstance(a, reordered.instance)).toBe(true);
    expect(sameInstance(a, { ...a, status: 'DOWN' })).toBe(false);
    expect(sameInstance(a, { ...a, metadata: { a: 'c' } })).toBe(false);
    expect(sameInstance(a, { ...a, metadata: { a: 'b', b: 'c' } })).toBe(false);
  });

  it('keeps no field it does not know, whether the value is complete or not', () => {
    const full = JSON.parse(encodeInstance(createServiceInstance({ serviceName: 's', serviceHost: 'h', servicePort: 1 })));
    const extra = decodeInstance(JSON.stringify({ ...full, javaOnly: 'x' }));
    expect(extra.ok && Object.keys(extra.instance)).toEqual(Object.keys(full));
    const complete = decodeInstance(JSON.stringify(full));
    expect(complete.ok && complete.instance).toEqual(full);
  });

  it('freezes decoded instances and their metadata', () => {
    const decoded = decodeInstance('{"serviceName":"a","serviceVersion":"1.0","serviceHost":"h","servicePort":80,"metadata":{"k":"v"}}');
    expect(decoded.ok && Object.isFrozen(decoded.instance) && Object.isFrozen(decoded.instance.metadata)).toBe(true);
  });

  it.each([
    ['not json', 'value is not JSON'],
    ['[1]', 'not a JSON object'],
    ['{"serviceName":"a","serviceVersion":"1.0","serviceHost":"h"}', 'servicePort'],
    ['{"serviceName":"a","serviceVersion":"1.0","serviceHost":"h","servicePort":"80"}', 'servicePort'],
    ['{"serviceName":"a","serviceVersion":"1.0","serviceHost":"h","servicePort":80,"status":"MAYBE"}', 'status'],
    ['{"serviceName":"a","serviceVersion":"1.0","serviceHost":"h","servicePort":80,"metadata":{"a":1}}', 'metadata'],
  ])('rejects %s with a reason', (raw, reason) => {
    const decoded = decodeInstance(raw);
    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.reason).toContain(reason);
  });
});
