import type { ServiceInstance } from '../model/index.js';

/** How long a latency observation takes to fade (the EWMA's time constant), milliseconds. @internal */
export const EWMA_DECAY_MS = 10_000;
/** Latency a failed call counts as, at least, milliseconds: a failing instance looks slow. @internal */
export const FAILURE_PENALTY_MS = 1_000;
/** Added to every latency estimate, so an unobserved instance (estimate 0) still costs by its in-flight calls. */
const BASE_COST_MS = 1;

interface Load {
  inflight: number;
  /** Peak-EWMA latency, milliseconds. */
  ewma: number;
  /** When `ewma` was last updated (clock milliseconds). */
  at: number;
}

/** The outcome reporter of one call started with {@link LoadTracker.start}. Each call ends once. @publicApi */
export interface TrackedCall {
  /** The call got its answer: its latency feeds the estimate. */
  succeeded(): void;
  /** The call failed: counts as a latency of at least `FAILURE_PENALTY_MS`. */
  failed(): void;
}

/**
 * Per-instance load of one service for `p2c` balancing: calls in flight and a peak-EWMA of
 * latency (Finagle's and Linkerd's design). A slower observation replaces the estimate at once
 * (peak); a faster one pulls it down with weight `1 - e^(-elapsed / 10 s)`. Failures count as
 * slow calls. Pure apart from the clock, which tests inject. @internal
 */
export class LoadTracker {
  private readonly loads = new Map<string, Load>();

  constructor(private readonly clock: () => number = () => performance.now()) {}

  /** Marks a call to `instance` as started; the returned handle reports how it ended (also to `ended`, once). */
  start(instance: ServiceInstance, ended?: (failed: boolean) => void): TrackedCall {
    const load = this.load(instance.id);
    load.inflight++;
    const started = this.clock();
    let done = false;
    const end = (failed: boolean): void => {
      if (done) return;
      done = true;
      load.inflight--;
      const latency = this.clock() - started;
      this.observe(load, failed ? Math.max(latency, FAILURE_PENALTY_MS) : latency);
      ended?.(failed);
    };
    return { succeeded: () => end(false), failed: () => end(true) };
  }

  /** The cost of sending one more call to `instance`: (latency estimate + 1 ms) × (calls in flight + 1). */
  cost(instance: ServiceInstance): number {
    const load = this.loads.get(instance.id);
    if (!load) return BASE_COST_MS;
    return (this.decayed(load) + BASE_COST_MS) * (load.inflight + 1);
  }

  /** Calls in flight to `instance`. */
  inflight(instance: ServiceInstance): number {
    return this.loads.get(instance.id)?.inflight ?? 0;
  }

  /** Forgets instances not in `keep` (and not busy), so departed instances do not accumulate. */
  retain(keep: readonly ServiceInstance[]): void {
    if (this.loads.size <= keep.length) return;
    const ids = new Set(keep.map((i) => i.id));
    for (const [id, load] of this.loads) if (!ids.has(id) && load.inflight === 0) this.loads.delete(id);
  }

  /** Power of two choices: the cheaper of two distinct random instances of `instances` (non-empty). */
  pickTwo(instances: readonly ServiceInstance[], random: () => number = Math.random): ServiceInstance {
    if (instances.length === 1) return instances[0]!;
    const a = Math.floor(random() * instances.length);
    let b = Math.floor(random() * (instances.length - 1));
    if (b >= a) b++;
    const first = instances[a]!;
    const second = instances[b]!;
    return this.cost(second) < this.cost(first) ? second : first;
  }

  private load(id: string): Load {
    let load = this.loads.get(id);
    if (!load) {
      load = { inflight: 0, ewma: 0, at: this.clock() };
      this.loads.set(id, load);
    }
    return load;
  }

  /** The estimate as of now: an idle instance's estimate fades toward 0, so it gets tried again. */
  private decayed(load: Load): number {
    return load.ewma * Math.exp(-Math.max(0, this.clock() - load.at) / EWMA_DECAY_MS);
  }

  private observe(load: Load, latency: number): void {
    const now = this.clock();
    const weight = Math.exp(-Math.max(0, now - load.at) / EWMA_DECAY_MS);
    load.ewma = latency > load.ewma ? latency : load.ewma * weight + latency * (1 - weight);
    load.at = now;
  }
}
