import type { InstanceCheck, InstanceStatus } from '../model/index.js';

/** Consecutive results of one instance's probes, as the leading checker saw them. @internal */
export interface Streak {
  readonly passes: number;
  readonly failures: number;
}

/** What the checker does after a probe: nothing, write a new status, or deregister. @internal */
export type Verdict =
  { readonly kind: 'keep' } | { readonly kind: 'status'; readonly status: 'UP' | 'DOWN' } | { readonly kind: 'deregister' };

/** The streak after a result. @internal */
export function nextStreak(streak: Streak, ok: boolean): Streak {
  return ok ? { passes: streak.passes + 1, failures: 0 } : { passes: 0, failures: streak.failures + 1 };
}

/**
 * The rule of the checker, one place: `failureThreshold` consecutive failures make an instance
 * `DOWN`, `successThreshold` consecutive passes make it `UP` (from `STARTING` or `DOWN`); a status
 * it already has is never written again, so a new leader that starts with an empty streak changes
 * nothing until a threshold is reached (no flap across a handover). `OUT_OF_SERVICE` (drained by an
 * operator) is left alone. A `DOWN` instance whose last result (the failure that made it `DOWN`)
 * is older than `deregisterAfter` is deregistered. @internal
 */
export function verdict(status: InstanceStatus, check: InstanceCheck, streak: Streak, now: number): Verdict {
  if (status === 'OUT_OF_SERVICE') return { kind: 'keep' };
  if (status === 'DOWN' && check.deregisterAfter !== null && check.last && !check.last.ok && streak.passes === 0) {
    const since = Date.parse(check.last.at);
    if (Number.isFinite(since) && now - since >= check.deregisterAfter) return { kind: 'deregister' };
  }
  if (status !== 'UP' && streak.passes >= check.successThreshold) return { kind: 'status', status: 'UP' };
  if (status !== 'DOWN' && streak.failures >= check.failureThreshold) return { kind: 'status', status: 'DOWN' };
  return { kind: 'keep' };
}
