import type { ServiceInstance } from '../model/index.js';
import { coarseNow } from './coarse-clock.js';

/** How long a latency observation takes to fade (the EWMA's time constant), milliseconds. @internal */
export const EWMA_DECAY_MS = 10_000;
/** Latency a failed call counts as, at least, milliseconds: a failing instance looks slow. @internal */
export const FAILURE_PENALTY_MS = 1_000;
/** Added to every latency estimate, so an unobserved instance (estimate 0) still costs by its in-flight calls. */
const BASE_COST_MS = 1;

/** @internal */
export interface Load {
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

/** Told once how a call to `instance` ended. @internal */
export type CallEnded = (instance: ServiceInstance, failed: boolean) => void;

/** One call in flight: a class, not closures, as there is one per call on the hot path. */
class StartedCall implements TrackedCall {
  private done = false;

  constructor(
    private readonly tracker: LoadTracker,
    private readonly load: Load,
    private readonly instance: ServiceInstance,
    private readonly started: number,
    private readonly ended: CallEnded | undefined,
  ) {}

  succeeded(): void {
    this.end(false);
  }

  failed(): void {
    this.end(true);
  }

  private end(failed: boolean): void {
    if (this.done) return;
    this.done = true;
    this.tracker.end(this.load, this.started, failed);
    this.ended?.(this.instance, failed);
  }
}

/**
 * Per-instance load of one service for `p2c` balancing: calls in flight and a peak-EWMA of
 * latency (Finagle's and Linkerd's design). A slower observation replaces the estimate at once
 * (peak); a faster one pulls it down with weight `1 - e^(-elapsed / 10 s)`. Failures count as
 * slow calls. Pure apart from the clock, which tests inject. @internal
 */
export class LoadTracker {
  private readonly loads = new Map<string, Load>();
  /** Per (frozen) instance list, the loads of its instances by position; valid while `generation` is unchanged. */
  private readonly aligned = new WeakMap<readonly ServiceInstance[], { generation: number; loads: Array<Load | undefined> }>();
  /** Bumped whenever a load is added or forgotten. */
  private generation = 0;
  /** Measures latencies (precise). */
  private readonly clock: () => number;
  /** Ages estimates for their decay (cheap: read on every p2c choice). */
  private readonly ageClock: () => number;

  /** `clock`: one clock for both (tests); default `performance.now()` for latencies and the coarse clock for ages. */
  constructor(clock?: () => number) {
    this.clock = clock ?? (() => performance.now());
    this.ageClock = clock ?? coarseNow;
  }

  /** Marks a call to `instance` as started; the returned handle reports how it ended (also to `ended`, once). */
  start(instance: ServiceInstance, ended?: CallEnded): TrackedCall {
    const load = this.load(instance.id);
    load.inflight++;
    return new StartedCall(this, load, instance, this.clock(), ended);
  }

  /** Ends one call started with {@link start}: `latency` milliseconds (a failure counts as at least `FAILURE_PENALTY_MS`). @internal */
  end(load: Load, started: number, failed: boolean): void {
    load.inflight--;
    const latency = this.clock() - started;
    this.observe(load, failed ? Math.max(latency, FAILURE_PENALTY_MS) : latency);
  }

  /** The cost of sending one more call to `instance`: (latency estimate + 1 ms) × (calls in flight + 1), as of `now`. */
  cost(instance: ServiceInstance, now = this.ageClock()): number {
    return this.costOf(this.loads.get(instance.id), now);
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
    this.generation++;
  }

  /** Power of two choices: the cheaper of two distinct random instances of `instances` (non-empty). */
  pickTwo(instances: readonly ServiceInstance[], random: () => number = Math.random): ServiceInstance {
    if (instances.length === 1) return instances[0]!;
    // One roll for both: its integer part (× n) picks the first, its fraction (× (n - 1)) the second.
    const scaled = random() * instances.length;
    const a = Math.floor(scaled);
    let b = Math.floor((scaled - a) * (instances.length - 1));
    if (b >= a) b++;
    if (this.loads.size === 0) return instances[a]!; // nothing observed yet: equal costs
    const loads = this.loadsOf(instances);
    const now = this.ageClock(); // one clock read for both costs
    return this.costOf(loads[b], now) < this.costOf(loads[a], now) ? instances[b]! : instances[a]!;
  }

  /** The loads of `instances` by position, memoised per list (no string-keyed lookup per choice). */
  private loadsOf(instances: readonly ServiceInstance[]): Array<Load | undefined> {
    let known = this.aligned.get(instances);
    if (known === undefined || known.generation !== this.generation) {
      known = { generation: this.generation, loads: instances.map((i) => this.loads.get(i.id)) };
      this.aligned.set(instances, known);
    }
    return known.loads;
  }

  private costOf(load: Load | undefined, now: number): number {
    return load === undefined ? BASE_COST_MS : (this.decayed(load, now) + BASE_COST_MS) * (load.inflight + 1);
  }

  private load(id: string): Load {
    let load = this.loads.get(id);
    if (!load) {
      load = { inflight: 0, ewma: 0, at: this.ageClock() };
      this.loads.set(id, load);
      this.generation++;
    }
    return load;
  }

  /** The estimate as of now: an idle instance's estimate fades toward 0, so it gets tried again. */
  private decayed(load: Load, now: number): number {
    const age = now - load.at;
    // Within 50 ms the decay is under 0.5 %: skipped (the common case under load, and exp() costs more than the rest of a choice).
    return age < 50 ? load.ewma : load.ewma * Math.exp(-age / EWMA_DECAY_MS);
  }

  private observe(load: Load, latency: number): void {
    const now = this.ageClock();
    const age = Math.max(0, now - load.at);
    // Within 50 ms, 1 - age/decay is e^(-age/decay) to 1.3e-5 (the common case under load: exp() costs more than the rest).
    const weight = age < 50 ? 1 - age / EWMA_DECAY_MS : Math.exp(-age / EWMA_DECAY_MS);
    load.ewma = latency > load.ewma ? latency : load.ewma * weight + latency * (1 - weight);
    load.at = now;
  }
}
