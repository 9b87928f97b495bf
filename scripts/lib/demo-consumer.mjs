// @ts-check
// The built demo consumer (`dist/apps/consumer/main.js`) as a child process, shared by the tests.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Starts the demo consumer through `server` on a free loopback port, against the etcd at
 * `etcdUrl`; resolves its HTTP port once `/health` answers (30 s at most).
 * @param {import('./server-process.mjs').ServerProcess} server @param {string} etcdUrl @param {number} ttlSeconds
 * @param {Record<string, string>} [extraEnv] more variables, e.g. `{ CHECKER: '1' }`
 * @returns {Promise<number>}
 */
export async function startDemoConsumer(server, etcdUrl, ttlSeconds, extraEnv = {}) {
  const port = await freePort();
  const env = {
    ...process.env,
    ETCD_HOSTS: etcdUrl,
    HOST: '127.0.0.1',
    PORT: String(port),
    REGISTRY_TTL_SECONDS: String(ttlSeconds),
    ...extraEnv,
  };
  const ready = async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok;
  await server.start(process.execPath, [join(root, 'dist/apps/consumer/main.js')], ready, 30_000, { env, cwd: root });
  return port;
}
