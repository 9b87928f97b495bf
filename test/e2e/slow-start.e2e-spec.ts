import { describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { DiscoveryClient, RegistryModule, ServiceRegistry, type LoadBalancingStrategy } from 'nest-service-registry';
import { eventually } from 'nest-service-registry/testing';
import { testContext, testOptions, TrackedApps } from '../support/apps.js';
import { useEtcdSuite } from '../support/etcd-suite.js';

// Issue 28, item 2 (slow start), on a real etcd: one process registers three instances of
// `warming` with chosen registration times; a consumer with `warmup` 60 s counts who it chooses.
const apps = new TrackedApps();
const suite = useEtcdSuite(apps);
const WARMUP = 60_000;
const CALLS = 3_000;

async function world(ages: readonly number[]) {
  @Module({ imports: [ScheduleModule.forRoot(), RegistryModule.forRoot(testOptions(suite.server.url, { warmup: WARMUP }))] })
  class WarmupModule {}
  const app = await apps.track(testContext(WarmupModule));
  const registry = app.get(ServiceRegistry);
  const now = Date.now();
  for (const [i, age] of ages.entries()) {
    await registry.register({ serviceName: 'warming', servicePort: 7001 + i, registeredAt: new Date(now - age).toISOString() });
  }
  const discovery = app.get(DiscoveryClient);
  await eventually(async () => expect(await discovery.getInstances('warming')).toHaveLength(ages.length));
  /** The share of each instance over CALLS choices (index = position in `ages`). */
  const shares = (strategy: LoadBalancingStrategy) => {
    const counts = ages.map(() => 0);
    for (let i = 0; i < CALLS; i++) counts[discovery.chooseSync('warming', { strategy }).servicePort - 7001]!++;
    return counts.map((c) => c / CALLS);
  };
  return { shares, registry, now };
}

describe('slow start (warmup 60 s)', () => {
  it.each(['round-robin', 'weighted', 'p2c'] as LoadBalancingStrategy[])(
    'a new instance takes about factor × its full share, following the ramp (%s)',
    async (strategy) => {
      const OLD = 10 * 60_000;
      // Two warm instances and one at 0 s, then 30 s, then 60 s of age: factor 0.1, 0.5, 1 → about 0.1, 0.5, 1 × a third.
      for (const [age, factor] of [
        [0, 0.1],
        [30_000, 0.5],
        [60_000, 1],
      ] as const) {
        const { shares } = await world([OLD, OLD, age]);
        const share = shares(strategy)[2]!;
        expect(Math.abs(share - factor / 3)).toBeLessThan(0.06);
        await apps.closeAll();
      }
    },
    60_000,
  );

  it('starves nobody when every instance is new: each takes a share', async () => {
    const { shares } = await world([0, 0, 0]);
    for (const share of shares('round-robin')) expect(share).toBeGreaterThan(0.2);
    await apps.closeAll();
  });
});
