import type { ServiceInstance } from '../model/index.js';

/** Envoy's overprovisioning factor: a zone with at least 1 / 1.4 ≈ 71 % of its instances healthy keeps all its traffic. @internal */
export const OVERPROVISIONING = 1.4;

/**
 * Which of `candidates` a call from `zone` may go to, by Envoy's locality rule reduced to two
 * priorities (this zone, then every other one): this zone takes `min(1, 1.4 × healthy / total)` of
 * the calls, where `total` counts its `UP` instances (`up`) and `healthy` those still among the
 * candidates (not ejected, not already tried); the rest spill to the other zones. With no candidate
 * in the zone, everything spills; with no other candidate, the zone keeps everything. `roll` is a
 * number in [0, 1) (random per call). @internal
 */
export function preferZone(
  up: readonly ServiceInstance[],
  candidates: readonly ServiceInstance[],
  zone: string,
  roll: number,
): readonly ServiceInstance[] {
  let local = 0;
  for (const instance of candidates) if (instance.zone === zone) local++;
  if (local === 0 || local === candidates.length) return candidates;
  let total = 0;
  for (const instance of up) if (instance.zone === zone) total++;
  const share = Math.min(1, (OVERPROVISIONING * local) / Math.max(total, local));
  const stay = roll < share;
  return candidates.filter((instance) => (instance.zone === zone) === stay);
}
