import { expect } from '@jest/globals';
import { eventually } from 'nest-service-registry/testing';
import { recordTiming } from './timings.mjs';

/**
 * Asserts that `measuredMs` is within `boundMs`, and records both under `label` for the runner's
 * report (test/support/timings.mjs). Use it only where the bound is the behaviour under test, with
 * 3× headroom over the slowest CI measurement; elsewhere assert the event itself.
 */
export function expectWithin(label: string, measuredMs: number, boundMs: number): void {
  recordTiming(label, measuredMs, boundMs);
  expect(measuredMs).toBeLessThanOrEqual(boundMs);
}

/**
 * `eventually(check)` with `boundMs` as its deadline, counted from `since` (default: now), and
 * the time it took recorded under `label` like {@link expectWithin}.
 */
export async function eventuallyWithin<T>(
  label: string,
  boundMs: number,
  check: () => T | Promise<T>,
  options: { since?: number; interval?: number } = {},
): Promise<T> {
  const since = options.since ?? Date.now();
  const result = await eventually(check, { timeout: Math.max(0, since + boundMs - Date.now()), interval: options.interval });
  expectWithin(label, Date.now() - since, boundMs);
  return result;
}
