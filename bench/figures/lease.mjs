// Lease figures: how long a crashed provider stays visible, and what keeping N instances
// registered costs etcd (requests per minute, each N on its own etcd), beside the per-key strategy it replaces.
import { spawnTracked } from '../../scripts/lib/pid-ledger.mjs';
import { join } from 'node:path';
import { ServiceRegistry } from 'nest-service-registry';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';
import { log, record, registryApp, root, S, sleep, until, value, worker } from '../lib/harness.mjs';
import { median, now, round } from '../lib/stats.mjs';

// 4. Crash -> gone ---------------------------------------------------------------------------
export async function crashToGone(server) {
  log('\n[4] provider process SIGKILLed → gone in another process (TTL 2 s)');
  const TTL = 2;
  const seen = [];
  const watcher = await worker({ mode: 'ours', etcdUrl: server.url, service: 'user-service', consumers: 1 }, (m) => seen.push(m));
  const durations = [];
  for (let i = 0; i < S.crashes; i++) {
    const child = spawnTracked(process.execPath, [join(root, 'dist/apps/provider/main.js')], {
      env: { ...process.env, ETCD_HOSTS: server.url, HOST: '127.0.0.1', PORT: '0', REGISTRY_TTL_SECONDS: String(TTL) },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const added = await until(() => seen.find((m) => m.type === 'added' && !m.used), 20_000);
    added.used = true;
    await sleep(300 + Math.random() * 700); // kill at a random point of the renewal cycle
    const killedAt = now();
    child.kill('SIGKILL');
    await exited;
    const removed = await until(() => seen.find((m) => m.type === 'removed' && m.port === added.port), 20_000);
    durations.push(removed.at - killedAt);
  }
  await watcher.stop();
  const o = { p50: round(median(durations) / 1000, 2), max: round(Math.max(...durations) / 1000, 2) };
  record('crash (SIGKILL) → gone, s', o, { ttl: TTL }, `≤ TTL + 0.6 s (${TTL + 0.6} s)`, o.max <= TTL + 0.6, 's');
}

// 5. etcd requests per minute to keep N instances registered ----------------------------------
/** Requests/min `server` receives while one app keeps `n` instances registered, and for one round of the per-key baseline. */
async function requestsFor(server, n) {
  // Requests as etcd receives them: a unary call is one message, and so is each keep-alive on the stream a process keeps open.
  const requests = () => server.counter('grpc_server_msg_received_total');
  const perMinute = (delta) => round((delta * 60_000) / S.windowMs, 0);
  const app = await registryApp(server.url, { ttl: 10 });
  const registry = app.get(ServiceRegistry);
  await Promise.all(Array.from({ length: n }, (_, i) => registry.register({ serviceName: `bench-rpm-${n}`, servicePort: 30_000 + i })));
  await sleep(500);
  const before = await requests();
  await sleep(S.windowMs);
  const ours = perMinute((await requests()) - before); // /metrics is plain HTTP: not counted
  await app.close();

  // Baseline: every 10 s (the TTL), for every key: get + grant a new lease + put. One round is
  // counted, and scaled as one round per window: the rest of the window would only be idle.
  const client = server.client();
  try {
    const beforeBaseline = await requests();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < n) {
          const i = next++;
          const key = `/rpc/bench-perkey-${n}:1.0/127.0.0.1:${31_000 + i}`;
          await client.get(key).string();
          const lease = client.lease(30, { autoKeepAlive: false });
          await lease.put(key).value(value(`bench-perkey-${n}`, 31_000 + i));
          lease.release();
        }
      }),
    );
    const baseline = perMinute((await requests()) - beforeBaseline);
    await client.delete().prefix(`/rpc/bench-perkey-${n}:1.0/`);
    return { ours, baseline };
  } finally {
    client.close();
  }
}

export async function requestsPerMinute(server) {
  log(
    `\n[5] etcd requests/min to keep N instances of one process registered (TTL 10 s, ${S.windowMs / 1000} s windows, from etcd /metrics)`,
  );
  // Each N on its own etcd (etcd counts every request it receives), all in the same window.
  const servers = [server];
  const ours = {};
  const baseline = {};
  try {
    for (const n of S.counts.slice(1)) servers.push(await EtcdServer.start({ name: `bench-rpm-${n}` }));
    const measured = await Promise.all(S.counts.map((n, i) => requestsFor(servers[i], n)));
    S.counts.forEach((n, i) => ((ours[n] = measured[i].ours), (baseline[n] = measured[i].baseline)));
  } finally {
    for (const extra of servers.slice(1)) await extra.stop();
  }
  const largest = S.counts.includes(100) ? 100 : S.counts[S.counts.length - 1];
  const independent = Math.max(...Object.values(ours)) <= 2 * Math.min(...Object.values(ours)) + 6;
  record(
    'etcd requests/min by N instances',
    ours,
    baseline,
    `independent of N; ≥ 100× fewer at N = ${largest}`,
    independent && baseline[largest] >= 100 * Math.max(1, ours[largest]),
    'req/min',
  );
}
