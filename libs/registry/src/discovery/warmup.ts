import type { ServiceInstance } from '../model/index.js';

/** The share a new instance starts with (Envoy's slow start minimum weight). @internal */
export const WARMUP_MINIMUM = 0.1;

/** How much of its full share an instance registered at `registeredAt` takes `now`: from 10 % to 1 over `warmup` ms. @internal */
export function warmupFactor(registeredAt: string, warmup: number, now: number): number {
  const since = Date.parse(registeredAt);
  if (!Number.isFinite(since)) return 1; // a writer that did not say when (yu-rpc): treated as warm
  const age = now - since;
  return age >= warmup ? 1 : Math.max(WARMUP_MINIMUM, age / warmup);
}

/**
 * Slow start, as a thinning of the candidates before any strategy picks: an instance registered
 * less than `warmup` ago stays a candidate for this call with probability `warmupFactor` (one
 * `random()` roll each), so its share is about that fraction of a full one, whatever the strategy.
 * When every candidate would be left out (all new), all stay: nothing is starved. @internal
 */
export function applyWarmup(
  candidates: readonly ServiceInstance[],
  warmup: number,
  now: number,
  random: () => number = Math.random,
): readonly ServiceInstance[] {
  let warming = false;
  for (const instance of candidates) if (warmupFactor(instance.registeredAt, warmup, now) < 1) warming = true;
  if (!warming) return candidates;
  const kept = candidates.filter((instance) => random() < warmupFactor(instance.registeredAt, warmup, now));
  return kept.length > 0 ? kept : candidates;
}
