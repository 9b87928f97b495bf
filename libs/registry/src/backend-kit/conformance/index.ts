import { conformanceContext, TIMEOUT, type ConformanceHarness, type ConformanceTestApi } from './conformance-context.js';
import { leaseCases } from './lease.cases.js';
import { permanentCases } from './permanent.cases.js';
import { resilienceCases } from './resilience.cases.js';
import { watchCases } from './watch.cases.js';

export type { ConformanceHarness, ConformanceTestApi } from './conformance-context.js';

/**
 * The conformance suite every `RegistryBackend` passes, against a real server: ping; register and
 * deregister; many instances on one lease; renewal and expiry (with a delete event); a key taken
 * over by another lease; prefix isolation; watch from a read revision without a gap; `watch()`
 * never throwing; malformed data skipped; nothing left alive after `close()`; self-heal through
 * the module and a resync signal after the server restarts empty; permanent keys (beyond every
 * lease and across a restart that keeps data); a leader election whose writes are fenced.
 *
 * ```ts
 * import { describe, it, beforeAll, afterAll } from '@jest/globals';
 * backendConformanceSuite({ describe, it, beforeAll, afterAll }, myHarness);
 * ```
 * @publicApi
 */
export function backendConformanceSuite(api: ConformanceTestApi, harness: ConformanceHarness): void {
  const context = conformanceContext(api, harness);
  api.describe(`RegistryBackend conformance: ${harness.name}`, () => {
    api.beforeAll(() => harness.start(), TIMEOUT);
    api.afterAll(async () => {
      await context.closeOpened();
      await harness.stop();
    }, TIMEOUT);
    leaseCases(context);
    watchCases(context);
    resilienceCases(context);
    permanentCases(context);
  });
}
