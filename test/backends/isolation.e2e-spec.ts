import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';
import { RedisServer } from '../../scripts/lib/redis-server.mjs';
import { ZooKeeperServer } from '../../scripts/lib/zookeeper-server.mjs';

let etcd: EtcdServer;
let redis: RedisServer;
let zk: ZooKeeperServer;

beforeAll(async () => {
  [etcd, redis, zk] = await Promise.all([EtcdServer.start(), RedisServer.start(), ZooKeeperServer.start()]);
});

afterAll(async () => {
  await Promise.all([etcd.stop(), redis.stop(), zk.stop()]);
});

function run(kind: string): { seen: number[]; clients: string[] } {
  if (!existsSync('node_modules/nest-service-registry/index.js'))
    throw new Error('Run `npm run build` first (npm test does it in pretest).');
  const result = spawnSync(
    process.execPath,
    ['--import', './test/fixtures/record-loads.mjs', 'test/fixtures/backend-isolation.mjs', kind],
    {
      env: { ...process.env, ETCD_HOSTS: etcd.url, REDIS_URL: redis.url, ZOOKEEPER_HOSTS: zk.hosts },
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  if (result.status !== 0) throw new Error(`fixture failed (${result.status}):\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as { seen: number[]; clients: string[] };
}

describe('optional libraries load only when used', () => {
  it('an app on the memory backend loads no backend client library (nor terminus, nor @nestjs/microservices)', () => {
    expect(run('memory')).toEqual({ seen: [4321], clients: [] });
  });

  it('an app on Redis loads ioredis and never etcd3', () => {
    expect(run('redis')).toEqual({ seen: [4321], clients: ['ioredis'] });
  });

  it('an app on ZooKeeper loads node-zookeeper-client and never etcd3', () => {
    expect(run('zookeeper')).toEqual({ seen: [4321], clients: ['node-zookeeper-client'] });
  });

  it('control: the same app on etcd does load etcd3, so the check can see it', () => {
    expect(run('etcd')).toEqual({ seen: [4321], clients: ['etcd3'] });
  });

  it('control: a microservice app loads @nestjs/microservices (an ESM package), so the check can see it', () => {
    expect(run('microservice')).toEqual({ seen: [4321], clients: ['@nestjs/microservices'] });
  });
});
