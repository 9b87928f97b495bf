import { invalidOption, milliseconds } from '../options/option-rules.js';

/**
 * Ties the status of this process's instances to the app's own health (`RegistryModule.forRoot({
 * healthGate })`): `check` runs every `interval`; after `threshold` failures in a row the
 * instances are published `DOWN` (consumers stop choosing them), after `threshold` passes in a
 * row `UP` again. Typically terminus' `HealthCheckService.check([...])` from `forRootAsync`.
 * @publicApi
 */
export interface HealthGateOptions {
  /** Healthy when it returns or resolves (anything but `false`); unhealthy when it throws, rejects or gives `false`. */
  check: () => unknown;
  /** Consecutive results needed to change the status (damps flapping). Default 3. */
  threshold?: number;
  /** Milliseconds between two checks. Default: the renewal interval. */
  interval?: number;
}

/** {@link HealthGateOptions} after defaults and validation. @publicApi */
export interface ResolvedHealthGate {
  readonly check: () => unknown;
  readonly threshold: number;
  readonly interval: number;
}

/** Validates `healthGate` (naming `healthGate.<field>`). @internal */
export function resolveHealthGate(input: unknown, renewIntervalMs: number): ResolvedHealthGate | undefined {
  if (input === undefined) return undefined;
  const gate = (input ?? {}) as Partial<HealthGateOptions>;
  if (typeof gate.check !== 'function') invalidOption('healthGate.check', typeof gate.check, 'a function (resolve = healthy)');
  const threshold = gate.threshold ?? 3;
  if (!Number.isInteger(threshold) || threshold < 1) invalidOption('healthGate.threshold', threshold, 'an integer ≥ 1');
  const interval = milliseconds('healthGate.interval', gate.interval ?? undefined, renewIntervalMs);
  return Object.freeze({ check: gate.check, threshold, interval });
}
