import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from 'nest-service-registry/testing';
import { DemoProvider } from '../../scripts/lib/demo-provider.mjs';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';
import { auditLine, auditOrders, orderStream } from '../../scripts/lib/orders.mjs';
import { ServerProcess } from '../../scripts/lib/server-process.mjs';
import { expectWithin } from '../support/bounds.js';
import { startDemoConsumer } from '../../scripts/lib/demo-consumer.mjs';

// Deploys no caller notices (DESIGN §3, §7): the demo consumer and demo providers as processes, a
// steady stream of non-idempotent orders on both paths (HTTP client: POST /orders; TCP ClientProxy:
// POST /rpc/orders), and the providers' ORDERS_LOG files to tell what was processed. The
// providers run with the library's default drain (no DRAIN_MS).
const TTL = 3;
const DRAIN_DELAY = 1_000; // the library's default drainDelay
const PER_SECOND = 60; // per path

let etcd: EtcdServer;
let dir: string;
let port: number;
const consumer = new ServerProcess('consumer');
const providers: DemoProvider[] = [];
const logs: string[] = [];

async function startProvider(): Promise<DemoProvider> {
  const log = join(dir, `orders-${providers.length}-${Date.now()}.log`);
  logs.push(log);
  const provider = await DemoProvider.start(etcd.url, TTL, { env: { ORDERS_LOG: log } });
  providers.push(provider);
  return provider;
}

/** `host:port` of every instance of `service` the consumer sees (every status). */
async function seen(service: string): Promise<string[]> {
  const response = await fetch(`http://127.0.0.1:${port}/registry/services/${service}?includeUnavailable=true`);
  return ((await response.json()) as Array<{ serviceHost: string; servicePort: number }>).map((i) => `${i.serviceHost}:${i.servicePort}`);
}

/** Waits until the consumer lists exactly `expected` on both paths. */
async function consumerSees(expected: DemoProvider[]): Promise<void> {
  await eventually(
    async () => {
      expect((await seen('user-service')).sort()).toEqual(expected.map((p) => p.httpAddress).sort());
      expect((await seen('user-rpc')).sort()).toEqual(expected.map((p) => p.rpcAddress).sort());
    },
    { timeout: 15_000 },
  );
}

/** Waits until the stream has sent `count` more orders. */
const more = (stream: { sent: number }, count: number) => {
  const target = stream.sent + count;
  return eventually(() => expect(stream.sent).toBeGreaterThanOrEqual(target), { timeout: 30_000 });
};

beforeAll(async () => {
  etcd = await EtcdServer.start();
  dir = mkdtempSync(join(tmpdir(), 'deploy-'));
  port = await startDemoConsumer(consumer, etcd.url, TTL);
}, 60_000);

afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.stop('SIGKILL')));
  logs.splice(0);
  await consumerSees([]); // the killed providers' keys expire with their lease (TTL 3 s)
}, 30_000);

afterAll(async () => {
  await consumer.stop();
  await etcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a rolling deploy of 3 providers under a steady stream of non-idempotent orders', () => {
  it('costs no order: 0 failed, 0 duplicated, 0 lost, and every old provider exits within drainDelay + 1 s', async () => {
    const old = [await startProvider(), await startProvider(), await startProvider()];
    await consumerSees(old);
    const live = [...old];
    const stream = orderStream(port, PER_SECOND);
    const exits: number[] = [];
    try {
      await more(stream, 2 * PER_SECOND);
      for (const victim of old) {
        const fresh = await startProvider();
        live.push(fresh);
        await consumerSees(live);
        const signalled = Date.now();
        console.log(`SIGTERM ${victim.rpcAddress} at ${signalled}`);
        await victim.stop('SIGTERM');
        exits.push(Date.now() - signalled);
        live.splice(live.indexOf(victim), 1);
        await more(stream, PER_SECOND);
      }
    } finally {
      const audit = auditOrders(await stream.stop(), logs);
      console.log(`rolling deploy, 3 rounds: ${auditLine(audit)}; old providers exited ${exits.join(', ')} ms after SIGTERM`);
      expect(audit.failed).toEqual([]);
      expect(audit.duplicated).toEqual([]);
      expect(audit.lost).toEqual([]);
      expect(audit.processedButFailed).toEqual([]);
    }
    for (const took of exits) expectWithin('rolling deploy: SIGTERM -> old provider gone, beyond drainDelay', took - DRAIN_DELAY, 1_000);
  }, 120_000);

  it('a SIGKILLed provider fails only the orders in flight at the kill, each 502 CALL_OUTCOME_UNKNOWN; none duplicated or lost', async () => {
    const [victim, ...rest] = [await startProvider(), await startProvider(), await startProvider()];
    await consumerSees([victim, ...rest]);
    const stream = orderStream(port, PER_SECOND);
    let killed = 0;
    try {
      await more(stream, 2 * PER_SECOND);
      await victim.stop('SIGKILL');
      killed = Date.now();
      await more(stream, 2 * PER_SECOND);
    } finally {
      const calls = await stream.stop();
      const audit = auditOrders(calls, logs);
      console.log(`SIGKILL of 1 of 3 providers: ${auditLine(audit)}`);
      expect(audit.duplicated).toEqual([]);
      expect(audit.lost).toEqual([]);
      expect(audit.failed.filter((c) => c.status !== 502 || c.code !== 'CALL_OUTCOME_UNKNOWN')).toEqual([]);
      expect(audit.failed.filter((c) => c.sentAt > killed)).toEqual([]); // sent after the kill: never written to it, so served elsewhere
    }
  }, 120_000);
});
