// The method of the call-path figures (10, 10b, 11, 13): ours against a reference in many short
// interleaved rounds, the median of the per-round ratios with their spread.
import { log, record, smoke } from './harness.mjs';
import { median, now, round } from './stats.mjs';

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

/**
 * Median latency of `n` sequential calls per side, the two sides taking turns call by call (which
 * goes first alternates), so a busy moment of the machine falls on both sides alike. Milliseconds.
 */
async function p50s(ours, reference, n) {
  const samples = { ours: [], reference: [] };
  for (let i = 0; i < 2 * n; i++) {
    const name = (i + (i >> 1)) % 2 === 0 ? 'ours' : 'reference'; // ours, ref, ref, ours, ours, ref...
    const started = now();
    await (name === 'ours' ? ours : reference)();
    samples[name].push(now() - started);
  }
  return { ours: round(median(samples.ours), 3), reference: round(median(samples.reference), 3) };
}

/**
 * Ours and the reference in many short interleaved rounds (which goes first alternates), after a
 * warm-up to steady state: each round measures both sides' throughput (16 in flight, in halves
 * ordered A B B A), then their p50s with the sides taking turns call by call, and
 * the figure is the median of the per-round ratios, printed with their spread, so a busy moment of
 * the machine lands on both sides of a ratio instead of on one side of the figure. The goal:
 * throughput ≥ `minRps`× and p50 ≤ `maxP50`× the reference's.
 */
export async function compare(ours, reference, label, etc, minRps = 0.9, maxP50 = 1.1) {
  const rounds = smoke ? 2 : 45;
  const ms = smoke ? 150 : 200;
  const n = smoke ? 20 : 60;
  for (let warm = 0; warm < (smoke ? 1 : 3); warm++) for (const call of [ours, reference]) await throughput(call, 16, ms);
  const sides = { ours: { rps: [], p50: [] }, reference: { rps: [], p50: [] } };
  const ratios = { rps: [], p50: [] };
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ['reference', 'ours'] : ['ours', 'reference'];
    const rps = { ours: 0, reference: 0 };
    // Two halves per side, A B B A: a load that rises or falls through the round weighs on both alike.
    for (const name of [...order, ...order.toReversed()])
      rps[name] += (await throughput(name === 'ours' ? ours : reference, 16, ms / 2)) / 2;
    const p50 = await p50s(ours, reference, n);
    for (const name of order) {
      sides[name].rps.push(rps[name]);
      sides[name].p50.push(p50[name]);
    }
    ratios.rps.push(rps.ours / rps.reference);
    ratios.p50.push(p50.ours / p50.reference);
  }
  const summary = (values) => ({
    median: round(median(values), 3),
    spread: `${round(Math.min(...values), 3)}–${round(Math.max(...values), 3)}`,
  });
  const [rpsRatio, p50Ratio] = [summary(ratios.rps), summary(ratios.p50)];
  const side = (name) => ({ rps: round(median(sides[name].rps), 0), p50: round(median(sides[name].p50), 3) });
  const met = rpsRatio.median >= minRps && p50Ratio.median <= maxP50;
  const goal = `throughput ≥ ${minRps}×, p50 ≤ ${maxP50}× of ${etc} (medians of ${rounds} interleaved rounds' ratios)`;
  record(label, side('ours'), side('reference'), goal, met, 'calls/s, ms', { throughputRatio: rpsRatio, p50Ratio });
  log(`         throughput ratio ${rpsRatio.median} (rounds ${rpsRatio.spread}), p50 ratio ${p50Ratio.median} (rounds ${p50Ratio.spread})`);
}
