import type { ServiceInstance } from '../model/index.js';
import { LoadTracker } from './load-tracker.js';

/** Load-balancing strategies of `DiscoveryClient.choose()`. @publicApi */
export type LoadBalancingStrategy = 'round-robin' | 'random' | 'weighted' | 'consistent-hash' | 'p2c';

/** All strategies, for validation messages. @publicApi */
export const STRATEGIES: readonly LoadBalancingStrategy[] = Object.freeze(['round-robin', 'random', 'weighted', 'consistent-hash', 'p2c']);
const KNOWN = new Set<unknown>(STRATEGIES);

/** Whether `value` names a strategy (a set lookup: checked on every choice). @internal */
export const isStrategy = (value: unknown): value is LoadBalancingStrategy => KNOWN.has(value);

/** Points each instance gets on the consistent-hash ring. */
const VIRTUAL_NODES = 100;

interface Ring {
  /** The instance array the ring was built for (frozen arrays are replaced on change). */
  readonly of: readonly ServiceInstance[];
  readonly points: Uint32Array;
  readonly owners: readonly ServiceInstance[];
}

/** Mutable per-service balancing state: the round-robin cursor, the consistent-hash ring, the p2c loads. @internal */
export interface BalancerState {
  cursor: number;
  ring?: Ring;
  readonly loads: LoadTracker;
}

/** A fresh {@link BalancerState}. @internal */
export function newBalancerState(): BalancerState {
  return { cursor: 0, loads: new LoadTracker() };
}

/** FNV-1a, 32 bits. @internal */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function buildRing(instances: readonly ServiceInstance[]): Ring {
  const entries: Array<[number, ServiceInstance]> = [];
  for (const instance of instances) {
    for (let v = 0; v < VIRTUAL_NODES; v++) entries.push([hash32(`${instance.id}#${v}`), instance]);
  }
  entries.sort((a, b) => a[0] - b[0]);
  return { of: instances, points: Uint32Array.from(entries.map((e) => e[0])), owners: entries.map((e) => e[1]) };
}

/** The owner of the first ring point at or after `hash32(key)` (wrapping around). */
function onRing(ring: Ring, key: string): ServiceInstance {
  const h = hash32(key);
  let low = 0;
  let high = ring.points.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (ring.points[mid]! < h) low = mid + 1;
    else high = mid;
  }
  return ring.owners[low === ring.points.length ? 0 : low]!;
}

/** One round-robin step over `instances` (non-empty): the one at the cursor, and the cursor moves on. @internal */
export function roundRobin(instances: readonly ServiceInstance[], state: BalancerState): ServiceInstance {
  const index = state.cursor % instances.length;
  state.cursor = (state.cursor + 1) & 0x7fffffff;
  return instances[index]!;
}

/**
 * Picks one of `instances` (non-empty). Round-robin advances `state.cursor`; weighted picks
 * proportionally to `weight` (all-zero weights fall back to uniform); consistent-hash maps `key`
 * to the same instance while the set is unchanged, and moves only the keys of an instance that
 * leaves (100 virtual nodes per instance; the ring is rebuilt when the instance array changes);
 * p2c takes the cheaper of two random instances by in-flight calls and peak-EWMA latency
 * ({@link LoadTracker}), as fed by `DiscoveryClient.track()`.
 * @internal
 */
export function pick(
  instances: readonly ServiceInstance[],
  strategy: LoadBalancingStrategy,
  state: BalancerState,
  key?: string,
): ServiceInstance {
  switch (strategy) {
    case 'round-robin':
      return roundRobin(instances, state);
    case 'random':
      return instances[Math.floor(Math.random() * instances.length)]!;
    case 'weighted': {
      let total = 0;
      for (const instance of instances) total += instance.weight;
      if (total <= 0) return instances[Math.floor(Math.random() * instances.length)]!;
      let point = Math.random() * total;
      for (const instance of instances) {
        point -= instance.weight;
        if (point < 0) return instance;
      }
      return instances[instances.length - 1]!;
    }
    case 'consistent-hash': {
      if (state.ring?.of !== instances) state.ring = buildRing(instances);
      return onRing(state.ring, key ?? '');
    }
    case 'p2c':
      return state.loads.pickTwo(instances);
    default: {
      const exhaustive: never = strategy;
      throw new Error(`Unknown strategy ${String(exhaustive)}`);
    }
  }
}
