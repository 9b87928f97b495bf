import { describe, expect, it } from '@jest/globals';
import { createServiceInstance, decodeInstance, encodeInstance } from '../../model/index.js';
import { toCurator, toRegistryValue } from './curator-instance.js';
import { curatorLayout } from './zk-layout.js';

const instance = createServiceInstance({ serviceName: 'user', serviceHost: '10.0.0.1', servicePort: 8080, metadata: { team: 'a' } });
const value = encodeInstance(instance);

describe('the Curator layout (pure)', () => {
  const layout = curatorLayout({ basePath: '/rpc/zk', versionInPath: true, payloadClass: 'com.example.Meta' });

  it('maps keys under the base path, with name:version service znodes', () => {
    expect(layout.path('/rpc/')).toBe('/rpc/zk');
    expect(layout.path('/rpc/user:1.0/')).toBe('/rpc/zk/user:1.0');
    expect(layout.path('/rpc/user:1.0/10.0.0.1:8080')).toBe('/rpc/zk/user:1.0/10.0.0.1:8080');
    const spring = curatorLayout({ basePath: '/services', versionInPath: false, payloadClass: null });
    expect(spring.path('/rpc/user:1.0/10.0.0.1:8080')).toBe('/services/user/10.0.0.1:8080');
    expect(spring.service('user')).toBe('user:1.0');
  });

  it('writes Curator’s ServiceInstance with the instance as a tagged payload, and reads back the very same value', () => {
    const data = layout.encode('/rpc/user:1.0/10.0.0.1:8080', value);
    expect(JSON.parse(data)).toEqual({
      name: 'user:1.0',
      id: '10.0.0.1:8080',
      address: '10.0.0.1',
      port: 8080,
      sslPort: null,
      payload: { '@class': 'com.example.Meta', ...JSON.parse(value) },
      registrationTimeUTC: Date.parse(instance.registeredAt),
      serviceType: 'DYNAMIC',
      uriSpec: null,
      enabled: true,
    });
    expect(layout.decode('/rpc/user:1.0/', data)).toBe(value); // the provider compares strings
    expect(layout.key('/rpc/user:1.0/', '10.0.0.1:8080', data)).toBe('/rpc/user:1.0/10.0.0.1:8080');
  });

  it('reads instances other writers registered: Curator fields only, Spring’s payload, the Java design’s metadata', () => {
    const curator = (payload: unknown, extra = {}) =>
      JSON.stringify({ name: 'user', id: 'a1b2', address: '10.0.0.9', port: 9000, sslPort: null, payload, registrationTimeUTC: 0, serviceType: 'DYNAMIC', uriSpec: null, ...extra }); // prettier-ignore
    const read = (data: string) => decodeInstance(toRegistryValue('/rpc/user:1.0/', data));
    expect(read(curator(null))).toMatchObject({ ok: true, instance: { serviceName: 'user', serviceVersion: '1.0', serviceHost: '10.0.0.9', servicePort: 9000, registeredAt: '1970-01-01T00:00:00.000Z', status: 'UP' } }); // prettier-ignore
    expect(
      read(curator({ '@class': 'x.ZookeeperInstance', id: 'a1b2', name: 'user', metadata: { zone: 'b' } }, { enabled: false })),
    ).toMatchObject({
      ok: true,
      instance: { metadata: { zone: 'b' }, status: 'OUT_OF_SERVICE' },
    });
    expect(read(curator({ '@class': 'com.yupi.yurpc.model.ServiceMetaInfo', serviceName: 'user', serviceVersion: '1.0', serviceHost: '10.0.0.9', servicePort: 9000, serviceGroup: 'blue' }))).toMatchObject({ ok: true, instance: { serviceGroup: 'blue', servicePort: 9000 } }); // prettier-ignore
    expect(layout.key('/rpc/user:1.0/', 'a1b2', curator(null))).toBe('/rpc/user:1.0/10.0.0.9:9000'); // keyed by address, not the UUID-like id
    expect(toRegistryValue('/rpc/user:1.0/', 'not json')).toBe('not json'); // left to the codec, which skips it with a warning
  });

  it('leaves @class out with payloadClass null, and marks a non-UP instance disabled', () => {
    const drained = encodeInstance({ ...instance, status: 'OUT_OF_SERVICE' });
    const written = toCurator(drained, 'user', 'id', null);
    expect(written.payload).not.toHaveProperty('@class');
    expect(written.enabled).toBe(false);
  });
});
