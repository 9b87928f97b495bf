// @ts-check
// The timing bounds the tests assert, as measured: each bound writes what it measured to the file
// that REGISTRY_TEST_TIMINGS names (scripts/test.mjs sets it), and the runner prints the worst of
// each at the end, so the headroom of every bound (3× or more is the rule) is seen on every run.
import { appendFileSync, readFileSync } from 'node:fs';

export const TIMINGS_ENV = 'REGISTRY_TEST_TIMINGS';

/** Appends one measurement of the bound `label` (milliseconds). */
export function recordTiming(/** @type {string} */ label, /** @type {number} */ measured, /** @type {number} */ bound) {
  const file = process.env[TIMINGS_ENV];
  if (file) appendFileSync(file, `${JSON.stringify({ label, measured: Math.round(measured), bound })}\n`);
}

/** The report's lines: per bound, the slowest measurement and its headroom, least headroom first. */
export function summariseTimings(/** @type {string | undefined} */ file) {
  /** @type {Map<string, { measured: number, bound: number, count: number }>} */
  const worst = new Map();
  /** @type {string} */
  let text;
  try {
    text = file ? readFileSync(file, 'utf8') : '';
  } catch {
    return []; // no test measured a bound
  }
  for (const line of text.split('\n').filter(Boolean)) {
    const { label, measured, bound } = JSON.parse(line);
    const seen = worst.get(label);
    worst.set(label, { measured: Math.max(measured, seen?.measured ?? 0), bound, count: (seen?.count ?? 0) + 1 });
  }
  const rows = [...worst].sort(([, a], [, b]) => b.measured / b.bound - a.measured / a.bound);
  return [
    `\ntiming bounds: the slowest measurement of each, least headroom first (the rule: 3× or more)`,
    ...rows.map(([label, { measured, bound, count }]) => {
      const headroom = measured > 0 ? `${(bound / measured).toFixed(1)}×` : '∞';
      return `  ${headroom.padStart(6)}  ${String(measured).padStart(6)} of ${bound} ms  ${label} (${count}×)${bound < 3 * measured ? '  <- under 3×' : ''}`;
    }),
  ];
}
