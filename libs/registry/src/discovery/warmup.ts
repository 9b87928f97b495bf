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

/** Registration times, parsed once per (frozen) instance. */
const registered = new WeakMap<ServiceInstance, number>();

function registeredTime(instance: ServiceInstance): number {
  let time = registered.get(instance);
  if (time === undefined) registered.set(instance, (time = Date.parse(instance.registeredAt)));
  return time;
}

/** A candidate list split into its warm instances and its warming ones, valid for one `warmup` until `until` (memoised per frozen list). */
interface WarmingSplit {
  readonly warmup: number;
  /** When the first warming instance turns warm: the split is recomputed then. */
  readonly until: number;
  readonly warm: readonly ServiceInstance[];
  readonly warming: ReadonlyArray<{ readonly instance: ServiceInstance; readonly since: number }>;
}
const splits = new WeakMap<readonly ServiceInstance[], WarmingSplit>();

function splitOf(list: readonly ServiceInstance[], warmup: number, now: number): WarmingSplit {
  const known = splits.get(list);
  if (known !== undefined && known.warmup === warmup && now < known.until) return known;
  const warm: ServiceInstance[] = [];
  const warming: Array<{ instance: ServiceInstance; since: number }> = [];
  let until = Infinity;
  for (const instance of list) {
    const since = registeredTime(instance);
    if (!(now - since < warmup))
      warm.push(instance); // NaN (no time given) counts as warm
    else {
      warming.push({ instance, since });
      until = Math.min(until, since + warmup);
    }
  }
  const split = { warmup, until, warm: warming.length === 0 ? list : Object.freeze(warm), warming };
  splits.set(list, split);
  return split;
}

/**
 * Slow start, as a thinning of the candidates before any strategy picks: an instance registered
 * less than `warmup` ago stays a candidate for this call with probability `warmupFactor` (one
 * `random()` roll each), so its share is about that fraction of a full one, whatever the strategy.
 * When every candidate would be left out (all new), all stay: nothing is starved. The split of a
 * cached list into warm and warming instances is memoised, so a call allocates only when some but
 * not all warming instances are left out. @internal
 */
export function applyWarmup(
  candidates: readonly ServiceInstance[],
  warmup: number,
  now: number,
  random: () => number = Math.random,
): readonly ServiceInstance[] {
  const { warm, warming } = splitOf(candidates, warmup, now);
  if (warming.length === 0) return candidates; // nobody warming: the common case, O(1) for a cached list
  let left = 0;
  for (let i = 0; i < warming.length; i++) {
    const w = warming[i]!;
    if ((rolls[i] = random() >= factorSince(w.since, warmup, now))) left++;
  }
  if (left === 0) return candidates;
  if (left === warming.length) return warm.length > 0 ? warm : candidates;
  const out = new Set(warming.filter((_, i) => rolls[i]).map((w) => w.instance));
  return candidates.filter((instance) => !out.has(instance));
}

/** Which warming instances this call leaves out (reused: a choice is synchronous). */
const rolls: boolean[] = [];
