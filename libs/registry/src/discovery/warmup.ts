import type { ServiceInstance } from '../model/index.js';

/** The share a new instance starts with (Envoy's slow start minimum weight). @internal */
export const WARMUP_MINIMUM = 0.1;

/** How much of its full share an instance registered at `registeredAt` takes `now`: from 10 % to 1 over `warmup` ms. @internal */
export function warmupFactor(registeredAt: string, warmup: number, now: number): number {
  return factorSince(Date.parse(registeredAt), warmup, now);
}

function factorSince(since: number, warmup: number, now: number): number {
  if (!Number.isFinite(since)) return 1; // a writer that did not say when (yu-rpc): treated as warm
  const age = now - since;
  return age >= warmup ? 1 : Math.max(WARMUP_MINIMUM, age / warmup);
}

/** Registration times, parsed once per (frozen) instance; and the latest of each (frozen) candidate list. */
const registered = new WeakMap<ServiceInstance, number>();
const latest = new WeakMap<readonly ServiceInstance[], number>();

function registeredTime(instance: ServiceInstance): number {
  let time = registered.get(instance);
  if (time === undefined) registered.set(instance, (time = Date.parse(instance.registeredAt)));
  return time;
}

/** The latest registration time in `list` (NaN ignored), memoised per array: the cache's lists are frozen and reused. */
function latestTime(list: readonly ServiceInstance[]): number {
  let time = latest.get(list);
  if (time === undefined) {
    time = -Infinity;
    for (const instance of list) {
      const at = registeredTime(instance);
      if (at > time) time = at;
    }
    latest.set(list, time);
  }
  return time;
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
  if (now - latestTime(candidates) >= warmup) return candidates; // nobody warming: the common case, O(1) for a cached list
  const kept = candidates.filter((instance) => random() < factorSince(registeredTime(instance), warmup, now));
  return kept.length > 0 ? kept : candidates;
}
