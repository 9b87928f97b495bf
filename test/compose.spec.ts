import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

interface ComposeService {
  profiles?: string[];
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: string[];
}

const compose = parse(readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8')) as {
  services: Record<string, ComposeService>;
};
const KNOWN_ENV = [
  'REGISTRY_BACKEND',
  'ETCD_HOSTS',
  'ZOOKEEPER_HOSTS',
  'REDIS_URL',
  'REGISTRY_NAMESPACE',
  'REGISTRY_TTL_SECONDS',
  'PORT',
  'HOST',
];

describe('docker-compose.yml', () => {
  it('has etcd, two providers and a consumer, and Redis and ZooKeeper behind profiles', () => {
    const always = Object.entries(compose.services)
      .filter(([, s]) => !s.profiles)
      .map(([name]) => name);
    expect(always.sort()).toEqual(['consumer', 'etcd', 'provider1', 'provider2']);
    expect(compose.services.redis?.profiles).toEqual(['redis']);
    expect(compose.services.zookeeper?.profiles).toEqual(['zookeeper']);
  });

  it.each(['provider1', 'provider2', 'consumer'])('%s runs the built app with only the documented variables', (name) => {
    const service = compose.services[name]!;
    const app = name.startsWith('provider') ? 'provider' : 'consumer';
    expect(service.command).toEqual(['node', `dist/apps/${app}/main.js`]);
    for (const variable of Object.keys(service.environment ?? {})) expect(KNOWN_ENV).toContain(variable);
    expect(service.environment).toMatchObject({
      REGISTRY_BACKEND: '${REGISTRY_BACKEND:-etcd}',
      ETCD_HOSTS: 'http://etcd:2379',
      REDIS_URL: 'redis://redis:6379',
      ZOOKEEPER_HOSTS: 'zookeeper:2181',
    });
    expect(service.depends_on).toContain('etcd');
  });

  it('gives the providers distinct advertised addresses and exposes the consumer on its PORT', () => {
    const [a, b] = [compose.services.provider1!, compose.services.provider2!].map((s) => `${s.environment!.HOST}:${s.environment!.PORT}`);
    expect(a).not.toBe(b);
    const consumer = compose.services.consumer!;
    expect(consumer.ports).toContain(`${consumer.environment!.PORT}:${consumer.environment!.PORT}`);
    expect(compose.services.etcd!.ports).toContain('2379:2379');
  });
});
