import { describe, expect, it } from '@jest/globals';
import { defaultInstanceId, hostPort, instanceKey, keyUnder, parseServiceKeyOf, servicePrefix } from './key-layout.js';

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

  it('writes a network address with an IPv6 host in brackets, keys without', () => {
    expect(hostPort('10.0.0.1', 80)).toBe('10.0.0.1:80');
    expect(hostPort('provider.internal', 80)).toBe('provider.internal:80');
    expect(hostPort('::1', 80)).toBe('[::1]:80');
    expect(keyUnder('/rpc/a:1.0/', { serviceHost: '::1', servicePort: 80 })).toBe('/rpc/a:1.0/::1:80');
  });
});
