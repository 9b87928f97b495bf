import { describe, expect, it } from '@jest/globals';
import { etcdSecurityFromEnv, zookeeperAuthFromEnv, zookeeperLayoutFromEnv } from './index.js';

describe('etcdSecurityFromEnv (the demo apps\u2019 ETCD_* variables)', () => {
  it('is empty when nothing is set', () => {
    expect(etcdSecurityFromEnv({})).toEqual({});
  });

  it('maps user, password and TLS files', () => {
    expect(
      etcdSecurityFromEnv({
        ETCD_USERNAME: 'app',
        ETCD_PASSWORD: 'pw',
        ETCD_CA_FILE: '/ca.pem',
        ETCD_CERT_FILE: '/c.pem',
        ETCD_KEY_FILE: '/k.pem',
      }),
    ).toEqual({
      auth: { username: 'app', password: 'pw' },
      credentials: { rootCertificate: '/ca.pem', certChain: '/c.pem', privateKey: '/k.pem' },
    });
  });

  it('passes a lone client file on, for the backend to refuse by name', () => {
    expect(etcdSecurityFromEnv({ ETCD_CA_FILE: '/ca.pem', ETCD_CERT_FILE: '/c.pem' })).toEqual({
      credentials: { rootCertificate: '/ca.pem', certChain: '/c.pem', privateKey: undefined },
    });
  });
});

describe('zookeeperAuthFromEnv (ZOOKEEPER_AUTH)', () => {
  it('splits user:password at the first colon', () => {
    expect(zookeeperAuthFromEnv({})).toEqual({});
    expect(zookeeperAuthFromEnv({ ZOOKEEPER_AUTH: 'app:pa:ss' })).toEqual({ auth: { username: 'app', password: 'pa:ss' } });
  });

  it('refuses a value without a user, without showing it', () => {
    expect(() => zookeeperAuthFromEnv({ ZOOKEEPER_AUTH: 'secret' })).toThrow(
      'ZOOKEEPER_AUTH must be user:password (the value is not shown).',
    );
  });
});

describe('zookeeperLayoutFromEnv (ZOOKEEPER_LAYOUT, ZOOKEEPER_BASE_PATH)', () => {
  it('passes the layout and base path on, and leaves the backend defaults when unset', () => {
    expect(zookeeperLayoutFromEnv({})).toEqual({});
    expect(zookeeperLayoutFromEnv({ ZOOKEEPER_LAYOUT: 'curator', ZOOKEEPER_BASE_PATH: '/services' })).toEqual({
      layout: 'curator',
      basePath: '/services',
    });
    expect(() => zookeeperLayoutFromEnv({ ZOOKEEPER_LAYOUT: 'spring' })).toThrow(
      'ZOOKEEPER_LAYOUT must be native or curator, got "spring"',
    );
  });
});
