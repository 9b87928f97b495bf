import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Etcd3 } from 'etcd3';
import { createServiceInstance, encodeInstance, instanceKey } from 'nest-service-registry/backend-kit';
import { eventually } from 'nest-service-registry/testing';
import { DemoProvider } from '../../scripts/lib/demo-provider.mjs';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';
import { freePort } from '../../scripts/lib/ports.mjs';
import { ServerProcess } from '../../scripts/lib/server-process.mjs';
import { startDemoConsumer } from '../../scripts/lib/demo-consumer.mjs';

// Issue 12, items 1 and 2: the demo apps serve /metrics (OpenTelemetry SDK, Prometheus exporter)
// and the registry's counters move with real events: renewals, a lease revoked from outside, a
// provider stopping, calls through the registry clients.
let etcd: EtcdServer;
let client: Etcd3;
const stoppers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  etcd = await EtcdServer.start();
  client = etcd.client();
});

afterAll(async () => {
  for (const stop of stoppers.reverse()) await stop();
  client?.close();
  await etcd?.stop();
});

/** The value of `name` summed over the series whose labels include `labels`, from a scrape of `port`. */
async function metric(port: number, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    if (Object.entries(labels).every(([key, value]) => match[2]?.includes(`${key}="${value}"`))) total += Number(match[3]);
  }
  return total;
}

async function startConsumer(): Promise<number> {
  const consumer = new ServerProcess('consumer');
  stoppers.push(() => consumer.stop());
  return startDemoConsumer(consumer, etcd.url, 3);
}

describe('Prometheus metrics of the demo apps', () => {
  it('count renewals, a lease lost and repaired, calls (a failover as retried), watch events and a provider leaving', async () => {
    const first = await DemoProvider.start(etcd.url, 3);
    stoppers.push(() => first.stop('SIGTERM'));
    const second = await DemoProvider.start(etcd.url, 3);
    stoppers.push(() => second.stop('SIGTERM'));
    await eventually(async () => {
      expect(await metric(first.httpPort, 'registry_registered_instances')).toBe(2); // user-service and user-rpc
      expect(await metric(first.httpPort, 'registry_renewals_total', { outcome: 'renewed' })).toBeGreaterThanOrEqual(1);
      expect(await metric(first.httpPort, 'registry_renewal_duration_seconds_count')).toBeGreaterThanOrEqual(1);
    });

    const key = (await client.getAll().prefix(`/rpc/user-service:1.0/${first.httpAddress}`).keys())[0]!;
    const lease = (await client.get(key).exec()).kvs[0]!.lease;
    await client.leaseClient.leaseRevoke({ ID: lease });
    await eventually(
      async () => {
        // Whichever notices first (the own-keys watch sees the deletes, a renewal finds the lease gone), both keys count once.
        expect(await metric(first.httpPort, 'registry_registration_losses_total')).toBe(2);
        expect(await metric(first.httpPort, 'registry_repairs_total', { reason: 'lease_lost' })).toBe(1);
        expect(await metric(first.httpPort, 'registry_registered_instances')).toBe(2);
      },
      { timeout: 10_000 },
    );

    const consumer = await startConsumer();
    for (let i = 0; i < 4; i++) expect((await fetch(`http://127.0.0.1:${consumer}/users/${i}`)).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await fetch(`http://127.0.0.1:${consumer}/rpc/users/${i}`)).status).toBe(200);
    expect(await metric(consumer, 'registry_client_requests_total', { service: 'user-service', protocol: 'http', outcome: 'ok' })).toBe(4);
    expect(await metric(consumer, 'registry_client_requests_total', { service: 'user-rpc', protocol: 'tcp', outcome: 'ok' })).toBe(2);
    expect(await metric(consumer, 'registry_client_request_duration_seconds_count', { service: 'user-service' })).toBe(4);
    expect(await metric(consumer, 'registry_cached_instances', { service: 'user-service' })).toBe(2);

    const deletesBefore = await metric(consumer, 'registry_watch_events_total', { type: 'delete' });
    await second.stop('SIGTERM');
    await eventually(async () => {
      expect(await metric(consumer, 'registry_cached_instances', { service: 'user-service' })).toBe(1);
      expect(await metric(consumer, 'registry_watch_events_total', { type: 'delete' })).toBeGreaterThan(deletesBefore);
    });
    expect(await metric(consumer, 'registry_stale_services')).toBe(0);

    // A dead instance of each service (its port refuses connections): round-robin over it and the
    // live one sends one call of two there, which fails over and is counted `retried`, not failed.
    const deadPort = await freePort();
    const services = [
      ['user-service', 'http'],
      ['user-rpc', 'tcp'],
    ] as const;
    for (const [serviceName, protocol] of services) {
      const dead = createServiceInstance({ serviceName, serviceHost: '127.0.0.1', servicePort: deadPort, protocol });
      await client.put(instanceKey('rpc', dead)).value(encodeInstance(dead));
    }
    await eventually(async () => {
      expect(await metric(consumer, 'registry_cached_instances', { service: 'user-service' })).toBe(2);
      expect(await metric(consumer, 'registry_cached_instances', { service: 'user-rpc' })).toBe(2);
    });
    for (let i = 0; i < 2; i++) expect((await fetch(`http://127.0.0.1:${consumer}/users/${i}`)).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await fetch(`http://127.0.0.1:${consumer}/rpc/users/${i}`)).status).toBe(200);
    for (const [service, protocol] of services) {
      expect(await metric(consumer, 'registry_client_requests_total', { service, protocol, outcome: 'retried' })).toBe(1);
      expect(await metric(consumer, 'registry_client_requests_total', { service, protocol, outcome: 'failed' })).toBe(0);
    }
  }, 90_000);
});
