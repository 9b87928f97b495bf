/**
 * The health check a permanent instance carries (DESIGN §3, §10): what the registry-side checker
 * probes, how often, and the result that last set the instance's status. Stored in the instance
 * value as `check`, next to `"ephemeral": false`.
 */

/** How the checker probes an instance. @publicApi */
export type CheckType = 'http' | 'tcp' | 'grpc';

/** The check result that last changed the instance's status, written by the checker. @publicApi */
export interface CheckResult {
  /** Whether that probe passed. */
  readonly ok: boolean;
  /** When it ran, ISO-8601. For a `DOWN` instance: since when it is down. */
  readonly at: string;
  /** What it saw, e.g. `HTTP 200` or `connect ECONNREFUSED`. */
  readonly detail: string;
}

/** A permanent instance's check, as stored. @publicApi */
export interface InstanceCheck {
  readonly type: CheckType;
  /** `http`: the path to GET (2xx passes). `grpc`: the service name asked of `grpc.health.v1.Health/Check` (`''` = the server). `tcp`: `''`. */
  readonly path: string;
  /** Milliseconds between probes. */
  readonly interval: number;
  /** Milliseconds a probe may take before it counts as failed. */
  readonly timeout: number;
  /** Consecutive failures that turn the instance `DOWN`. */
  readonly failureThreshold: number;
  /** Consecutive passes that turn it `UP` again. */
  readonly successThreshold: number;
  /** Milliseconds of continuous `DOWN` after which the checker deregisters it; `null`: never. */
  readonly deregisterAfter: number | null;
  /** The result that last changed the status; `null` before the first. */
  readonly last: CheckResult | null;
}

/** Every check type. @internal */
export const CHECK_TYPES: readonly CheckType[] = Object.freeze(['http', 'tcp', 'grpc']);

/** The bounds of each numeric setting, one table for validation and messages. @internal */
export const CHECK_BOUNDS = {
  interval: [100, 3_600_000],
  timeout: [10, 600_000],
  failureThreshold: [1, 100],
  successThreshold: [1, 100],
  deregisterAfter: [1_000, 31_536_000_000],
} as const;

/** Rule text of the `check` field. @internal */
export const CHECK_RULE_TEXT =
  'null or { type: http | tcp | grpc, path, interval, timeout, failureThreshold, successThreshold, deregisterAfter, last } within their bounds';

// eslint-disable-next-line no-control-regex -- printable text: no control characters
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const printable = (value: unknown, max: number): boolean => typeof value === 'string' && value.length <= max && !CONTROL.test(value);
const within = (value: unknown, [min, max]: readonly [number, number]): boolean =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

function validResult(value: unknown): boolean {
  if (value === null) return true;
  if (typeof value !== 'object' || Array.isArray(value)) return false;
  const r = value as Record<string, unknown>;
  return typeof r.ok === 'boolean' && printable(r.at, 64) && printable(r.detail, 512);
}

/** Whether `value` is a valid stored check (or `null`). @internal */
export function isValidCheck(value: unknown): boolean {
  if (value === null) return true;
  if (typeof value !== 'object' || Array.isArray(value)) return false;
  const c = value as Record<string, unknown>;
  return (
    CHECK_TYPES.includes(c.type as CheckType) &&
    printable(c.path, 1024) &&
    within(c.interval, CHECK_BOUNDS.interval) &&
    within(c.timeout, CHECK_BOUNDS.timeout) &&
    within(c.failureThreshold, CHECK_BOUNDS.failureThreshold) &&
    within(c.successThreshold, CHECK_BOUNDS.successThreshold) &&
    (c.deregisterAfter === null || within(c.deregisterAfter, CHECK_BOUNDS.deregisterAfter)) &&
    validResult(c.last)
  );
}

/** Whether two checks carry the same values (`null` included). @internal */
export function sameCheck(a: InstanceCheck | null, b: InstanceCheck | null): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
