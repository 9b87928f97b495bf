import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { join } from 'node:path';
import { DiscoveryClient, RegistryHttpClient, RegistryModule, ServiceRegistry, type DiscoveryEvent } from 'nest-service-registry';
import type { OutlierDetectionOptions } from 'nest-service-registry/traffic';
import { eventually } from 'nest-service-registry/testing';
import { accepts, freePort } from '../../scripts/lib/ports.mjs';
import { ServerProcess } from '../../scripts/lib/server-process.mjs';
import { testContext, testOptions, TrackedApps } from '../support/apps.js';
import { useEtcdSuite } from '../support/etcd-suite.js';
import { expectWithin } from '../support/bounds.js';

// Issue 28, item 3 (outlier detection), on a real etcd: three flaky-service processes (plain HTTP
// servers that answer 500 on demand) registered as `flaky`; a consumer calls them through the
// HTTP client and records its discovery events.
const apps = new TrackedApps();
const suite = useEtcdSuite(apps);
const fixture = join(process.cwd(), 'test/fixtures/flaky-service.mjs');
const services = ['A', 'B', 'C'].map((name) => ({ name, process: new ServerProcess(`flaky ${name}`), port: 0 }));
const [A, B] = services as [(typeof services)[0], (typeof services)[0]];

beforeAll(async () => {
  for (const service of services) {
    service.port = await freePort();
    await service.process.start(process.execPath, [fixture, String(service.port)], () => accepts(service.port), 15_000);
  }
});
afterAll(async () => {
  for (const service of services) await service.process.stop();
});

const mode = (service: (typeof services)[0], fail: boolean) =>
  fetch(`http://127.0.0.1:${service.port}/mode/${fail ? 'fail' : 'ok'}`, { method: 'PUT' });

type Ejection = Extract<DiscoveryEvent, { type: 'ejected' | 'returned' }> & { at: number };

async function world(ejectionTime: number, outlierDetection: OutlierDetectionOptions) {
  @Module({
    imports: [ScheduleModule.forRoot(), RegistryModule.forRoot(testOptions(suite.server.url, { ejectionTime, outlierDetection }))],
  })
  class OutlierModule {}
  const app = await apps.track(testContext(OutlierModule));
  for (const { port } of services) await app.get(ServiceRegistry).register({ serviceName: 'flaky', servicePort: port, protocol: 'http' });
  const discovery = app.get(DiscoveryClient);
  await eventually(async () => expect(await discovery.getInstances('flaky')).toHaveLength(3));
  const events: Ejection[] = [];
  const subscription = discovery.events$.subscribe((event) => {
    if (event.type === 'ejected' || event.type === 'returned') events.push({ ...event, at: Date.now() });
  });
  /** One call: the port that answered, and its status. */
  const call = async () => {
    const response = await app.get(RegistryHttpClient).fetch('flaky', '/users/1');
    await response.body?.cancel();
    return { port: Number(new URL(response.url).port), status: response.status };
  };
  return { events, call, close: () => subscription.unsubscribe() };
}

describe('outlier detection (HTTP client, three provider processes)', () => {
  it('ejects an instance after 5 failed calls in a row, returns it after its ejection time, ejects it longer the second time', async () => {
    await mode(B, true);
    const { events, call, close } = await world(1_000, { consecutiveFailures: 5, maxEjectionPercent: 50 });
    const served: Array<{ port: number; status: number; at: number }> = [];
    /** Calls every 5 ms until `done` (at most 15 s). */
    const callUntil = async (done: () => boolean) => {
      for (const deadline = Date.now() + 15_000; !done() && Date.now() < deadline; await new Promise((r) => setTimeout(r, 5)))
        served.push({ ...(await call()), at: Date.now() });
    };

    await callUntil(() => events.length > 0);
    const first = events[0]!;
    expect(first).toMatchObject({ type: 'ejected', reason: 'consecutive-failures', count: 1, duration: 1_000 });
    expect(first.instance.servicePort).toBe(B.port);
    expect(served.filter((s) => s.port === B.port).map((s) => s.status)).toEqual([500, 500, 500, 500, 500]);

    // Out: no call reaches B until its return; after it, B fails 5 times again and is out for 2 s.
    const ejectedAt = served.length;
    await callUntil(() => events.length > 1);
    expect(events[1]).toMatchObject({ type: 'returned' });
    expect(events[1]!.at - first.at).toBeGreaterThanOrEqual(1_000 - 20);
    expectWithin('outlier: return beyond its 1 s ejection', events[1]!.at - first.at - 1_000, 1_000);
    const whileOut = served.slice(ejectedAt).filter((s) => s.at < events[1]!.at);
    expect(whileOut.length).toBeGreaterThan(0);
    expect(whileOut.filter((s) => s.port === B.port)).toEqual([]);

    await callUntil(() => events.length > 2);
    expect(events[2]).toMatchObject({ type: 'ejected', reason: 'consecutive-failures', count: 2, duration: 2_000 });
    await callUntil(() => events.length > 3);
    expect(events[3]!.at - events[2]!.at).toBeGreaterThanOrEqual(2_000 - 20);
    close();
    await mode(B, false);
  }, 60_000);

  it('with maxEjectionPercent 50 and two of three instances failing, one of them stays in', async () => {
    await mode(A, true);
    await mode(B, true);
    const { events, call, close } = await world(10_000, { consecutiveFailures: 5, maxEjectionPercent: 50 });
    const answers = [];
    for (let i = 0; i < 60; i++) {
      const ejectedBefore = events.length; // calls made after the ejection
      answers.push({ ...(await call()), ejectedBefore });
    }
    expect(events.map((e) => e.type)).toEqual(['ejected']); // one, never the second
    const out = events[0]!.instance.servicePort;
    const stayed = out === A.port ? B.port : A.port;
    const afterEjection = answers.filter((a) => a.ejectedBefore > 0);
    expect(afterEjection.length).toBeGreaterThan(30);
    expect(afterEjection.some((a) => a.port === stayed && a.status === 500)).toBe(true); // the other failing one is still chosen
    expect(afterEjection.filter((a) => a.port === out)).toEqual([]);
    close();
    await mode(A, false);
    await mode(B, false);
  }, 60_000);
});
