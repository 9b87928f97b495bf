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
import { log, pinned, record, sleep, until } from '../lib/harness.mjs';
import { compare } from '../lib/compare.mjs';
import { now } from '../lib/stats.mjs';

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

// 10 + 11. Overhead of the clients, one instance -------------------------------------------------
export async function clientOverhead(server) {
  log('\n[10] ClientProxy (registry, TCP) vs a plain ClientTCP; [11] RegistryHttpClient vs plain fetch — one provider, 16 in flight');
  await pinned((cpu) => overhead(server, cpu));
}

async function overhead(server, cpu) {
  const provider = await DemoProvider.start(server.url, 2, { cpu });
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
      0.95,
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

// 10b. The ClientProxy over three instances --------------------------------------------------------
export async function clientOverheadSpread(server) {
  log('\n[10b] ClientProxy over three providers vs three plain ClientTCPs round-robined by hand — 16 in flight');
  await pinned(async (cpu) => {
    const providers = await Promise.all([0, 1, 2].map(() => DemoProvider.start(server.url, 2, { cpu })));
    const app = await consumerApp(server.url);
    const plains = providers.map((p) =>
      ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port: p.rpcPort } }),
    );
    try {
      await until(async () => (await app.get(DiscoveryClient).getInstances('user-rpc')).length === 3);
      const rpc = app.get('USER_RPC');
      let next = 0;
      await compare(
        () => firstValueFrom(rpc.send('users.get', { id: 1 })),
        () => firstValueFrom(plains[next++ % plains.length].send('users.get', { id: 1 })),
        'RPC through the ClientProxy, 3 instances',
        'three plain ClientTCPs, round-robin by hand',
        0.95,
      );
    } finally {
      for (const plain of plains) await plain.close();
      await app.close();
      for (const p of providers) await p.stop();
    }
  });
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
