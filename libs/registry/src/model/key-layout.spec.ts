import { describe, expect, it } from '@jest/globals';
import { defaultInstanceId, instanceKey, keyUnder, parseInstanceKey, parseServiceKeyOf, servicePrefix } from './key-layout.js';

const address = { serviceName: 'user-service', serviceVersion: '1.0', serviceHost: '10.0.0.7', servicePort: 8080 };

describe('key layout', () => {
  it('follows /{namespace}/{name}:{version}/{host}:{port}', () => {
    expect(instanceKey('rpc', address)).toBe('/rpc/user-service:1.0/10.0.0.7:8080');
    expect(defaultInstanceId(address)).toBe('user-service:1.0@10.0.0.7:8080');
    expect(keyUnder(servicePrefix('rpc', 'user-service', '1.0'), address)).toBe(instanceKey('rpc', address));
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

  it('parses an instance key into every part, and round-trips', () => {
    expect(parseInstanceKey('rpc', instanceKey('rpc', address))).toEqual(address);
    expect(parseInstanceKey('rpc', '/rpc/s:1.0/::1:80')).toEqual({
      serviceName: 's',
      serviceVersion: '1.0',
      serviceHost: '::1',
      servicePort: 80,
    });
  });

  it.each([
    ['/other/s:1.0/h:1', 'another namespace'],
    ['/rpc/s:1.0/x/h:1', 'an extra level'],
    ['/rpc/s:1.0', 'no instance level'],
    ['/rpc/s/h:1', 'no version'],
    ['/rpc/s:1.0/h', 'no port'],
    ['/rpc/s:1.0/h:0', 'port 0'],
    ['/rpc/s:1.0/h:70000', 'a port above 65535'],
    ['/rpc/s:1.0/h:8o', 'a port that is not a number'],
  ])('refuses %s (%s)', (key) => {
    expect(parseInstanceKey('rpc', key)).toBeUndefined();
  });
});
