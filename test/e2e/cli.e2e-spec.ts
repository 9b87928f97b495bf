import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';
import { RedisServer } from '../../scripts/lib/redis-server.mjs';
import { ZooKeeperServer } from '../../scripts/lib/zookeeper-server.mjs';
import { APP, enableAuth } from '../support/etcd-auth.js';

const CLI = join(import.meta.dirname, '../../dist/libs/registry/cli.js');

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(registry: string, ...args: string[]): Run {
  const run = spawnSync(process.execPath, [CLI, '--registry', registry, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const json = (run: Run): unknown => JSON.parse(run.stdout) as unknown;

let etcd: EtcdServer;
let etcdWithAuth: EtcdServer;
let zookeeper: ZooKeeperServer;
let redis: RedisServer;

beforeAll(async () => {
  [etcd, etcdWithAuth, zookeeper, redis] = await Promise.all([
    EtcdServer.start(),
    EtcdServer.start(),
    ZooKeeperServer.start(),
    RedisServer.start(),
  ]);
  await enableAuth(etcdWithAuth);
}, 60_000);

afterAll(async () => {
  await Promise.all([etcd?.stop(), etcdWithAuth?.stop(), zookeeper?.stop(), redis?.stop()]);
});

const BACKENDS = ['etcd', 'zookeeper', 'zookeeper (Curator layout)', 'redis'] as const;

/** The registry URL of a backend's server (started in beforeAll, so looked up when a test runs). */
function urlOf(backend: (typeof BACKENDS)[number]): string {
  if (backend === 'etcd') return `etcd://${etcd.url.replace('http://', '')}`;
  if (backend === 'zookeeper') return `zookeeper://${zookeeper.hosts}`;
  if (backend === 'redis') return redis.url;
  return `zookeeper://${zookeeper.hosts}/services`;
}

describe('nest-registry, the command-line tool', () => {
  it.each(BACKENDS)('registers, lists, drains, undrains and deregisters a permanent instance on %s', (backend) => {
    const url = urlOf(backend);
    const registered = cli(
      url,
      '--json',
      'register',
      '--permanent',
      'legacy',
      '2.0',
      '10.0.0.9',
      '8080',
      '--check',
      'tcp',
      '--metadata',
      'owner=ops',
    );
    expect(registered).toMatchObject({ status: 0 });
    expect(json(registered)).toMatchObject({ key: '/rpc/legacy:2.0/10.0.0.9:8080', instance: { ephemeral: false, status: 'STARTING' } });
    expect(json(cli(url, '--json', 'ls', 'legacy:2.0'))).toEqual([
      expect.objectContaining({
        instance: expect.objectContaining({ metadata: { owner: 'ops' }, check: expect.objectContaining({ type: 'tcp' }) }),
      }),
    ]);
    expect(cli(url, 'ls').stdout).toContain('legacy:2.0  10.0.0.9:8080  STARTING  permanent  http check=tcp');
    expect(cli(url, 'drain', '10.0.0.9:8080')).toMatchObject({ status: 0 });
    expect(json(cli(url, '--json', 'ls', 'legacy:2.0'))).toEqual([
      expect.objectContaining({ instance: expect.objectContaining({ status: 'OUT_OF_SERVICE' }) }),
    ]);
    expect(cli(url, 'undrain', 'legacy:2.0@10.0.0.9:8080')).toMatchObject({ status: 0 });
    expect(cli(url, 'deregister', '/rpc/legacy:2.0/10.0.0.9:8080')).toMatchObject({ status: 0 });
    expect(json(cli(url, '--json', 'ls', 'legacy:2.0'))).toEqual([]);
    expect(cli(url, 'deregister', '10.0.0.9:8080')).toMatchObject({
      status: 1,
      stderr: expect.stringContaining('no instance 10.0.0.9:8080'),
    });
  });

  it('watch prints one JSON line per change until interrupted, then exits 0', async () => {
    const url = urlOf('etcd');
    const watcher = spawn(process.execPath, [CLI, '--registry', url, '--json', 'watch', 'watched'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    watcher.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => watcher.once('exit', resolve));
    try {
      await new Promise((r) => setTimeout(r, 1_500));
      expect(cli(url, 'register', '--permanent', 'watched', '1.0', '10.0.0.1', '1')).toMatchObject({ status: 0 });
      const deadline = Date.now() + 5_000;
      while (!out.includes('\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(JSON.parse(out.split('\n')[0]!)).toMatchObject({
        type: 'put',
        key: '/rpc/watched:1.0/10.0.0.1:1',
        instance: { status: 'UP' },
      });
    } finally {
      watcher.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    cli(url, 'deregister', '10.0.0.1:1');
  }, 20_000);

  it('takes credentials by flag or environment; a refusal exits 1 without printing the password', () => {
    const url = `etcd://${etcdWithAuth.url.replace('http://', '')}`;
    expect(
      cli(url, 'register', '--permanent', 'guarded', '1.0', '10.0.0.2', '1', '--username', APP.username, '--password', APP.password),
    ).toMatchObject({ status: 0 });
    const env = { ...process.env, NEST_REGISTRY_URL: url, NEST_REGISTRY_USERNAME: APP.username, NEST_REGISTRY_PASSWORD: APP.password };
    const listed = spawnSync(process.execPath, [CLI, 'ls', 'guarded'], { encoding: 'utf8', env });
    expect(listed).toMatchObject({ status: 0, stdout: expect.stringContaining('guarded:1.0  10.0.0.2:1  UP  permanent') });
    const refused = cli(url, 'ls', '--username', APP.username, '--password', 'wrong-password-51d2');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/auth|denied|password/i);
    expect(refused.stdout + refused.stderr).not.toContain('wrong-password-51d2');
    const redisUrl = 'redis://someone:redis-secret-77ab@127.0.0.1:1';
    const unreachable = cli(redisUrl, 'ls');
    expect(unreachable.status).toBe(1);
    expect(unreachable.stdout + unreachable.stderr).not.toContain('redis-secret-77ab');
  }, 30_000);

  it('answers a usage error with exit code 2 and says what is wrong', () => {
    const url = urlOf('etcd');
    expect(cli(url, 'frobnicate')).toMatchObject({ status: 2, stderr: expect.stringContaining('unknown command "frobnicate"') });
    expect(cli(url, 'register', 'a', '1.0', 'h', '1')).toMatchObject({ status: 2, stderr: expect.stringContaining('--permanent') });
    expect(cli(url, 'register', '--permanent', 'a', '1.0', 'h', '1', '--check', 'http:/x', '--interval', '10')).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('check.interval'),
    });
    expect(cli('mysql://x', 'ls')).toMatchObject({ status: 2, stderr: expect.stringContaining('etcd://') });
    const help = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    expect(help).toMatchObject({
      status: 0,
      stdout: expect.stringContaining('Exit codes: 0 success, 1 the operation failed, 2 usage error'),
    });
  });
});
