import type { ServiceInstance } from '../model/index.js';

/** The instances of each zone in a (frozen, cached) list. */
const byZone = new WeakMap<readonly ServiceInstance[], Map<string, readonly ServiceInstance[]>>();

/** The last answer of `localOf`: a consumer asks for one zone of one list again and again. */
let last: { list: readonly ServiceInstance[]; zone: string; local: readonly ServiceInstance[] } | undefined;

function localOf(list: readonly ServiceInstance[], zone: string): readonly ServiceInstance[] {
  if (last !== undefined && last.list === list && last.zone === zone) return last.local;
  let zones = byZone.get(list);
  if (zones === undefined) byZone.set(list, (zones = new Map<string, readonly ServiceInstance[]>()));
  let local = zones.get(zone);
  if (local === undefined) {
    const found = list.filter((i) => i.zone === zone);
    zones.set(zone, (local = found.length === list.length ? list : Object.freeze(found)));
  }
  last = { list, zone, local };
  return local;
}

/** Envoy's overprovisioning factor: a zone with at least 1 / 1.4 ≈ 71 % of its instances healthy keeps all its traffic. @internal */
export const OVERPROVISIONING = 1.4;

/** The share of calls a zone keeps with `healthy` of its `total` instances healthy: `min(1, 1.4 × healthy / total)`. @internal */
export function zoneShare(healthy: number, total: number): number {
  return Math.min(1, (OVERPROVISIONING * healthy) / total);
}

/**
 * Which of `candidates` a call from `zone` may go to, by Envoy's locality rule reduced to two
 * priorities (this zone, then every other one): this zone takes `min(1, 1.4 × healthy / total)` of
 * the calls, where `total` counts its `UP` instances (`up`) and `healthy` those still among the
 * candidates (not ejected, not already tried); the rest spill to the other zones. With no candidate
 * in the zone, everything spills; with no other candidate, the zone keeps everything. `random`
 * draws the call's side (read only when the zone's share is below 1). @internal
 */
export function preferZone(
  up: readonly ServiceInstance[],
  candidates: readonly ServiceInstance[],
  zone: string,
  random: () => number = Math.random,
): readonly ServiceInstance[] {
  if (candidates === up) {
    // Nothing ejected or excluded: the zone is fully healthy and keeps every call (memoised per cached list).
    const local = localOf(up, zone);
    return local.length > 0 ? local : up;
  }
  let local = 0;
  for (const instance of candidates) if (instance.zone === zone) local++;
  if (local === 0 || local === candidates.length) return candidates;
  let total = 0;
  for (const instance of up) if (instance.zone === zone) total++;
  const share = zoneShare(local, Math.max(total, local));
  const stay = random() < share;
  return candidates.filter((instance) => (instance.zone === zone) === stay);
}
