// Call-path figures: the discovery-backed ClientProxy and HTTP client beside a plain client
// pinned to the same instance, and failed calls while a provider crashes, beside choose() + fetch
// without failover. Providers are the built demo provider, as child processes.
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientProxyFactory, Transport } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { DiscoveryClient, RegistryHttpClient, RegistryModule } from 'nest-service-registry';
import { etcd } from 'nest-service-registry/etcd';
import { RegistryClientsModule } from 'nest-service-registry/microservices';
import { DemoProvider } from '../../scripts/lib/demo-provider.mjs';
import { log, record, sleep, smoke, until } from '../lib/harness.mjs';
import { median, now, round } from '../lib/stats.mjs';

/** A consumer app with the HTTP client and a `user-rpc` ClientProxy. */
async function consumerApp(etcdUrl) {
  class CallsBenchModule {}
  Module({
    imports: [
      RegistryModule.forRoot({ backend: etcd({ hosts: etcdUrl }), host: '127.0.0.1', ttl: 2 }),
      RegistryClientsModule.register([{ name: 'USER_RPC', service: 'user-rpc', idempotent: ['users.get'] }]),
    ],
  })(CallsBenchModule);
  const app = await NestFactory.createApplicationContext(CallsBenchModule, { logger: ['error'] });
  await app.init();
  return app;
}

/** Calls per second with `concurrency` calls in flight for `ms`. */
async function throughput(call, concurrency, ms) {
  let done = 0;
  const deadline = now() + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (now() < deadline) {
        await call();
        done++;
      }
    }),
  );
  return round(done / (ms / 1000), 0);
}

/** Median latency of `n` sequential calls, milliseconds. */
async function p50(call, n) {
  const samples = [];
  for (let i = 0; i < n; i++) {
    const started = now();
    await call();
    samples.push(now() - started);
  }
  return round(median(samples), 3);
}

/**
 * Ours and the reference, alternated twice (each keeps its better run), after a warm-up. The goal:
 * throughput ≥ `minRps`× and p50 ≤ `maxP50`× the reference's.
 */
export async function compare(ours, reference, label, etc, minRps = 0.9, maxP50 = 1.1) {
  const n = smoke ? 20 : 2_000;
  const ms = smoke ? 300 : 3_000;
  for (const call of [ours, reference]) for (let i = 0; i < 50; i++) await call();
  const runs = { ours: { rps: 0, p50: Infinity }, reference: { rps: 0, p50: Infinity } };
  for (let round_ = 0; round_ < 2; round_++) {
    for (const [name, call] of [
      ['reference', reference],
      ['ours', ours],
    ]) {
      runs[name].rps = Math.max(runs[name].rps, await throughput(call, 16, ms));
      runs[name].p50 = Math.min(runs[name].p50, await p50(call, n));
    }
  }
  const met = runs.ours.rps >= minRps * runs.reference.rps && runs.ours.p50 <= maxP50 * runs.reference.p50;
  record(label, runs.ours, runs.reference, `throughput ≥ ${minRps}×, p50 ≤ ${maxP50}× of ${etc}`, met, 'calls/s, ms');
}

// 10 + 11. Overhead of the clients, one instance -------------------------------------------------
export async function clientOverhead(server) {
  log('\n[10] ClientProxy (registry, TCP) vs a plain ClientTCP; [11] RegistryHttpClient vs plain fetch — one provider, 16 in flight');
  const provider = await DemoProvider.start(server.url);
  const app = await consumerApp(server.url);
  const plain = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port: provider.rpcPort } });
  try {
    const discovery = app.get(DiscoveryClient);
    await until(
      async () => (await discovery.getInstances('user-rpc')).length === 1 && (await discovery.getInstances('user-service')).length === 1,
    );
    const rpc = app.get('USER_RPC');
    await compare(
      () => firstValueFrom(rpc.send('users.get', { id: 1 })),
      () => firstValueFrom(plain.send('users.get', { id: 1 })),
      'RPC through the ClientProxy',
      'a plain ClientTCP to the same instance',
    );
    const http = app.get(RegistryHttpClient);
    const url = `http://${provider.httpAddress}/users/1`;
    await compare(
      async () => (await http.fetch('user-service', '/users/1')).json(),
      async () => (await fetch(url)).json(),
      'HTTP through RegistryHttpClient',
      'plain fetch to the same instance',
    );
  } finally {
    await plain.close();
    await app.close();
    await provider.stop();
  }
}

// 12. Failed calls while a provider is SIGKILLed -------------------------------------------------
/** 100 calls/s for 3 s over three fresh providers; one is SIGKILLed halfway. Returns the failures. */
async function failuresDuringCrash(server, call) {
  const providers = await Promise.all([0, 1, 2].map(() => DemoProvider.start(server.url)));
  try {
    await sleep(500); // every consumer cache has seen the three
    let failed = 0;
    const calls = [];
    const started = now();
    let kill;
    for (let i = 0; now() - started < 3_000; i++) {
      calls.push(call(i).catch(() => failed++));
      if (!kill && now() - started >= 1_500) kill = providers[0].stop('SIGKILL');
      await sleep(10);
    }
    await Promise.all([...calls, kill]);
    return { failed, calls: calls.length };
  } finally {
    await Promise.all(providers.map((p) => p.stop()));
    await sleep(2_500); // the killed provider's lease (TTL 2 s) ends before the next run
  }
}

export async function failedDuringCrash(server) {
  log('\n[12] failed calls while one of three providers is SIGKILLed at 100 calls/s (HTTP)');
  const app = await consumerApp(server.url);
  try {
    const discovery = app.get(DiscoveryClient);
    const http = app.get(RegistryHttpClient);
    await discovery.getInstances('user-service');
    const ours = await failuresDuringCrash(server, async (i) => {
      const response = await http.fetch('user-service', `/users/${i}`, {}, { timeout: 2_000 });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      await response.json();
    });
    const reference = await failuresDuringCrash(server, async (i) => {
      const instance = await discovery.choose('user-service');
      try {
        const response = await fetch(`http://${instance.serviceHost}:${instance.servicePort}/users/${i}`, {
          signal: AbortSignal.timeout(2_000),
        });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        await response.json();
      } catch (error) {
        discovery.reportFailure(instance); // what a careful hand-written caller does, minus the retry
        throw error;
      }
    });
    record(
      'failed calls while a provider is SIGKILLed',
      ours,
      reference,
      '0 failed (reference: choose() + fetch, no failover)',
      ours.failed === 0,
      'calls',
    );
  } finally {
    await app.close();
  }
}
