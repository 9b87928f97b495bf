import type { ServiceInstance } from '../model/service-instance.js';

/** Load-balancing strategies of `DiscoveryClient.choose()`. */
export type LoadBalancingStrategy = 'round-robin' | 'random' | 'weighted';

/** All strategies, for validation messages. */
export const STRATEGIES: readonly LoadBalancingStrategy[] = Object.freeze(['round-robin', 'random', 'weighted']);

/** Mutable per-service balancing state (the round-robin cursor). */
export interface BalancerState {
  cursor: number;
}

/**
 * Picks one of `instances` (non-empty). Round-robin advances `state.cursor`; weighted picks
 * proportionally to `weight` (all-zero weights fall back to uniform).
 */
export function pick(instances: readonly ServiceInstance[], strategy: LoadBalancingStrategy, state: BalancerState): ServiceInstance {
  switch (strategy) {
    case 'round-robin': {
      const index = state.cursor % instances.length;
      state.cursor = (state.cursor + 1) & 0x7fffffff;
      return instances[index]!;
    }
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
    default: {
      const exhaustive: never = strategy;
      throw new Error(`Unknown strategy ${String(exhaustive)}`);
    }
  }
}
