import { describe, expect, it } from '@jest/globals';
import { RegistryOptionsError } from '../../errors/registry.error.js';
import { resolveRedisOptions } from './redis.options.js';
import { sentinelEndpoints, sentinelOptions } from './redis-sentinel.js';

describe('Redis Sentinel options', () => {
  it('takes sentinels as "host:port" or { host, port } with the master name, and names the deployment without secrets', () => {
    const options = resolveRedisOptions({
      url: 'redis://app:s3cret@ignored',
      sentinels: ['10.0.0.1:26379', { host: '10.0.0.2', port: 26380 }, '[::1]:26381'],
      name: 'mymaster',
      sentinelAuth: { password: 'sentinel-secret' },
    });
    expect(options.sentinel?.sentinels).toEqual([
      { host: '10.0.0.1', port: 26379 },
      { host: '10.0.0.2', port: 26380 },
      { host: '::1', port: 26381 },
    ]);
    expect(sentinelEndpoints(options)).toEqual(['sentinel://10.0.0.1:26379,10.0.0.2:26380,[::1]:26381/mymaster']);
    const ioredis = sentinelOptions(options.url, options.sentinel!, {}, (attempt) => attempt);
    expect(ioredis).toMatchObject({
      name: 'mymaster',
      role: 'master',
      username: 'app',
      password: 's3cret',
      sentinelPassword: 'sentinel-secret',
    });
    expect(ioredis.tls).toBeUndefined();
    expect(sentinelOptions('rediss://x', options.sentinel!, {}, (attempt) => attempt)).toMatchObject({
      enableTLSForSentinelMode: true,
      tls: {},
      sentinelTLS: {},
    });
  });

  it('refuses an incomplete or malformed Sentinel setup, naming the option', () => {
    const cases: Array<[object, string]> = [
      [{ sentinels: ['10.0.0.1:26379'] }, 'backend.name'],
      [{ name: 'mymaster' }, 'backend.name'],
      [{ sentinelAuth: { password: 'x' } }, 'backend.sentinelAuth'],
      [{ sentinels: [], name: 'm' }, 'backend.sentinels'],
      [{ sentinels: ['no-port'], name: 'm' }, 'backend.sentinels'],
      [{ sentinels: [{ host: 'h', port: 70_000 }], name: 'm' }, 'backend.sentinels'],
      [{ sentinels: ['h:1'], name: 'm', sentinelAuth: { user: 'x' } }, 'backend.sentinelAuth'],
    ];
    for (const [input, option] of cases) {
      const error = (() => {
        try {
          resolveRedisOptions(input);
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(RegistryOptionsError);
      expect((error as RegistryOptionsError).message).toContain(option);
      expect((error as Error).message).not.toContain('sentinel-secret');
    }
  });
});
