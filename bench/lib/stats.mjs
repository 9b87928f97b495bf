// Small statistics helpers for the benchmarks: nearest-rank percentiles and medians.

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes. */
export const now = () => performance.timeOrigin + performance.now();

export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export const median = (values) => percentile(values, 50);

/**
 * p50 over every sample, and p99 as the median of the p99s of `rounds` equal rounds: one
 * scheduler or GC hiccup on a shared machine moves one round's p99, not the figure.
 */
export function latencySummary(samples, rounds = 3) {
  const size = Math.floor(samples.length / rounds);
  const p99s = [];
  for (let r = 0; r < rounds; r++) p99s.push(percentile(samples.slice(r * size, (r + 1) * size), 99));
  return { p50: round(median(samples)), p99: round(median(p99s)) };
}

export const round = (value, digits = 2) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : value);

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
