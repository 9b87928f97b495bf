// @ts-check
// The demo's rolling deploy (DESIGN §7): under a steady stream of non-idempotent orders on both
// paths, each old provider in turn is replaced: a new one starts, the consumer sees it, the old
// one gets SIGTERM and drains. Prints failed / duplicated / lost orders (expected 0 / 0 / 0).
import { auditLine, auditOrders, orderStream } from './orders.mjs';

/**
 * @typedef {{ name: string, port: number, child: import('node:child_process').ChildProcess, exited: Promise<unknown>, log: string }} DemoProcess
 * @param {{
 *   consumerPort: number,
 *   old: DemoProcess[],
 *   startProvider: () => Promise<DemoProcess>,
 *   seen: (provider: DemoProcess, present: boolean) => Promise<unknown>,
 *   say: (line?: string) => void,
 *   perSecond?: number,
 * }} demo
 * @returns {Promise<{ live: DemoProcess[], clean: boolean }>}
 */
export async function rollingDeploy({ consumerPort, old, startProvider, seen, say, perSecond = 50 }) {
  const pause = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const logs = old.map((p) => p.log);
  const live = [...old];
  const stream = orderStream(consumerPort, perSecond);
  await pause(1_000);
  for (const victim of old) {
    const fresh = await startProvider();
    logs.push(fresh.log);
    live.push(fresh);
    await seen(fresh, true);
    const signalled = Date.now();
    victim.child.kill('SIGTERM');
    await victim.exited;
    const exited = Date.now() - signalled;
    await seen(victim, false);
    live.splice(live.indexOf(victim), 1);
    say(`   ${fresh.name} (:${fresh.port}) is in; ${victim.name} (:${victim.port}) drained and exited ${exited} ms after SIGTERM`);
  }
  await pause(1_000);
  const audit = auditOrders(await stream.stop(), logs);
  say(`   ${auditLine(audit)} (expected 0 / 0 / 0)`);
  for (const call of audit.failed.slice(0, 3)) say(`      failed: ${call.path} ${call.id} -> ${call.status} ${call.code ?? ''}`);
  const clean = audit.failed.length + audit.duplicated.length + audit.lost.length === 0;
  return { live, clean };
}
