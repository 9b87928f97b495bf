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
 * Ours and the reference in many short interleaved rounds (which goes first alternates), after a
 * warm-up to steady state: each round measures both sides' throughput (16 in flight) and p50, and
 * the figure is the median of the per-round ratios, printed with their spread, so a busy moment of
 * the machine lands on both sides of a ratio instead of on one side of the figure. The goal:
 * throughput ≥ `minRps`× and p50 ≤ `maxP50`× the reference's.
 */
export async function compare(ours, reference, label, etc, minRps = 0.9, maxP50 = 1.1) {
  const rounds = smoke ? 2 : 45;
  const ms = smoke ? 150 : 200;
  const n = smoke ? 20 : 150;
  for (let warm = 0; warm < (smoke ? 1 : 3); warm++) for (const call of [ours, reference]) await throughput(call, 16, ms);
  const sides = { ours: { rps: [], p50: [] }, reference: { rps: [], p50: [] } };
  const ratios = { rps: [], p50: [] };
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ['reference', 'ours'] : ['ours', 'reference'];
    const measured = {};
    for (const name of order) {
      const call = name === 'ours' ? ours : reference;
      measured[name] = { rps: await throughput(call, 16, ms), p50: await p50(call, n) };
      sides[name].rps.push(measured[name].rps);
      sides[name].p50.push(measured[name].p50);
    }
    ratios.rps.push(measured.ours.rps / measured.reference.rps);
    ratios.p50.push(measured.ours.p50 / measured.reference.p50);
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
