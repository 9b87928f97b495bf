import type { ServiceInstance } from '../model/index.js';

/** How a service's instances are ejected (Envoy's outlier detection, reduced to what a client sees). @internal */
export interface OutlierPolicy {
  /** Failed calls in a row that eject an instance; 0 turns this kind of ejection off. */
  readonly consecutiveFailures: number;
  /** The first ejection's length, milliseconds; the nth lasts n times as long... */
  readonly ejectionTime: number;
  /** ...up to this, milliseconds. */
  readonly maxEjectionTime: number;
  /** At most this percentage of a service's instances (at least one) is ejected for failing calls. */
  readonly maxEjectionPercent: number;
}

/** Why an instance was ejected: its connection failed (refused, reset before a reply), or calls failed in a row. @publicApi */
export type EjectionReason = 'connection' | 'consecutive-failures';

/** One ejection, as events report it. @publicApi */
export interface Ejection {
  readonly reason: EjectionReason;
  /** How many times the instance has been ejected without a sustained success in between (1 = first). */
  readonly count: number;
  /** How long it stays out, milliseconds. */
  readonly duration: number;
}

interface State {
  /** Failed calls in a row. */
  streak: number;
  /** Ejections since the last sustained success. */
  count: number;
  /** Out of choice until then (clock ms); 0 when in. */
  until: number;
  /** When the last ejection ended (clock ms). */
  returned: number;
}

/**
 * Per-instance outcome counts and ejections of one service. A connection-level failure ejects at
 * once; `consecutiveFailures` failed calls in a row eject, unless `maxEjectionPercent` of the
 * service is out already. The nth ejection lasts n × `ejectionTime` (at most `maxEjectionTime`);
 * the count goes back to 0 with a success after the instance has been back for as long as it was
 * last out (sustained success). Pure apart from the clock, which tests pass in. @internal
 */
export class OutlierDetector {
  private readonly states = new Map<string, State>();
  private ejected = 0;
  /** Ids whose ejection ended, not yet handed out by `returns()`. */
  private back: string[] = [];

  constructor(
    private readonly policy: OutlierPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  /** How many instances are out now (0 lets the hot path skip filtering without a clock read). */
  get size(): number {
    if (this.ejected > 0) this.expire();
    return this.ejected;
  }

  /** Whether instance `id` is out now. */
  has(id: string): boolean {
    return this.size > 0 && this.out(id);
  }

  /** `list` without ejected instances, unless that would leave none (then `list` itself). */
  filter(list: readonly ServiceInstance[]): readonly ServiceInstance[] {
    if (this.size === 0) return list;
    const kept = list.filter((i) => !this.out(i.id));
    return kept.length > 0 ? kept : list;
  }

  /** A connection to `id` failed before any reply: ejected at once (the cap does not apply: nothing listens there). */
  connectionFailed(id: string): Ejection {
    const state = this.state(id);
    state.streak = 0;
    return this.eject(state, 'connection');
  }

  /** A call to `id` failed; returns the ejection it caused, if any. `instances` is the service's size for the cap. */
  failed(id: string, instances: number): Ejection | undefined {
    const state = this.state(id);
    state.streak++;
    const { consecutiveFailures, maxEjectionPercent } = this.policy;
    if (consecutiveFailures === 0 || state.streak < consecutiveFailures || this.has(id)) return undefined;
    const allowed = Math.max(1, Math.floor((instances * maxEjectionPercent) / 100));
    if (this.size + 1 > allowed) return undefined; // the streak stays: the next failure asks again
    state.streak = 0;
    return this.eject(state, 'consecutive-failures');
  }

  /** A call to `id` succeeded: its streak ends, and a sustained success forgets its ejections. */
  succeeded(id: string): void {
    const state = this.states.get(id);
    if (!state) return;
    state.streak = 0;
    if (state.count === 0) return;
    if (state.until > 0) this.expire();
    if (state.until === 0 && this.now() - state.returned >= this.lengthOf(state.count)) state.count = 0;
  }

  /** Ids whose ejection has ended since the last call (each once), for `returned` events. */
  returns(): string[] {
    this.expire();
    const back = this.back;
    this.back = [];
    return back;
  }

  /** Milliseconds until the next ejection ends (at least 1), or `undefined` when none is out. */
  nextReturnIn(): number | undefined {
    let next = Infinity;
    for (const state of this.states.values()) if (state.until > 0 && state.until < next) next = state.until;
    return next === Infinity ? undefined : Math.max(1, next - this.now());
  }

  /** Forgets instances not in `keep` (departed), so the map does not grow. */
  retain(keep: readonly ServiceInstance[]): void {
    if (this.states.size <= keep.length) return;
    const ids = new Set(keep.map((i) => i.id));
    for (const [id, state] of this.states) {
      if (ids.has(id)) continue;
      if (state.until > 0) this.ejected--;
      this.states.delete(id);
    }
    this.back = this.back.filter((id) => ids.has(id)); // gone from the registry: no return to announce
  }

  /** Whether `id` is out, as of the last expiry. */
  private out(id: string): boolean {
    return (this.states.get(id)?.until ?? 0) > 0;
  }

  private eject(state: State, reason: EjectionReason): Ejection {
    if (state.until === 0) this.ejected++;
    state.count++;
    const duration = this.lengthOf(state.count);
    state.until = this.now() + duration;
    return { reason, count: state.count, duration };
  }

  private lengthOf(count: number): number {
    const { ejectionTime, maxEjectionTime } = this.policy;
    return Math.min(ejectionTime * count, Math.max(ejectionTime, maxEjectionTime));
  }

  private state(id: string): State {
    let state = this.states.get(id);
    if (!state) this.states.set(id, (state = { streak: 0, count: 0, until: 0, returned: 0 }));
    return state;
  }

  private expire(): void {
    const now = this.now();
    for (const [id, state] of this.states) {
      if (state.until === 0 || state.until > now) continue;
      state.returned = state.until;
      state.until = 0;
      this.ejected--;
      this.back.push(id);
    }
  }
}
