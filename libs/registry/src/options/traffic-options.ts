import { isTag } from '../traffic/registry-tag.js';
import { invalidOption, milliseconds } from './option-rules.js';
import { keysOf, rejectUnknownKeys } from './unknown-keys.js';

/**
 * Outlier detection (`RegistryModule.forRoot({ outlierDetection })`), after Envoy's: calls that
 * fail `consecutiveFailures` times in a row eject an instance from choice. The nth ejection lasts
 * n × `ejectionTime` (the module option, default 10 s), at most `maxEjectionTime`; a sustained
 * success (a success once the instance has been back as long as it was last out) starts the count
 * again. A connection-level failure (refused, reset before a reply) still ejects at once. @publicApi
 */
export interface OutlierDetectionOptions {
  /** Failed calls in a row that eject an instance: an integer ≥ 0 (0 = off). Default 5. */
  consecutiveFailures?: number;
  /** Longest ejection, milliseconds. Default 300000 (5 min). */
  maxEjectionTime?: number;
  /** At most this percentage (0..100) of a service's instances is ejected for failing calls, and at least one. Default 10. */
  maxEjectionPercent?: number;
}

/** {@link OutlierDetectionOptions} with defaults. @publicApi */
export type ResolvedOutlierDetection = Readonly<Required<OutlierDetectionOptions>>;

const OUTLIER_KEYS = keysOf<OutlierDetectionOptions>()(['consecutiveFailures', 'maxEjectionTime', 'maxEjectionPercent']);

/** Validates `outlierDetection` (naming `outlierDetection.<field>`). @internal */
export function resolveOutlierDetection(input: unknown): ResolvedOutlierDetection {
  if (input !== undefined && (typeof input !== 'object' || input === null)) invalidOption('outlierDetection', input, 'an object');
  const given = (input ?? {}) as OutlierDetectionOptions;
  rejectUnknownKeys('outlierDetection', given, OUTLIER_KEYS);
  const consecutiveFailures = given.consecutiveFailures ?? 5;
  if (!Number.isInteger(consecutiveFailures) || consecutiveFailures < 0)
    invalidOption('outlierDetection.consecutiveFailures', consecutiveFailures, 'an integer ≥ 0 (0 = off)');
  const maxEjectionPercent = given.maxEjectionPercent ?? 10;
  if (typeof maxEjectionPercent !== 'number' || !(maxEjectionPercent >= 0 && maxEjectionPercent <= 100))
    invalidOption('outlierDetection.maxEjectionPercent', maxEjectionPercent, 'a number in 0..100');
  const maxEjectionTime = milliseconds('outlierDetection.maxEjectionTime', given.maxEjectionTime, 300_000);
  return Object.freeze({ consecutiveFailures, maxEjectionTime, maxEjectionPercent });
}

/** The rule of a tag, as errors state it. @internal */
export const TAG_RULE = 'a non-empty string of at most 128 characters without commas, spaces or control characters';

/** Validates `tags`: an array of tags (see `isTag`). @internal */
export function resolveTags(input: unknown): readonly string[] {
  if (input === undefined) return Object.freeze([]);
  if (!Array.isArray(input) || !input.every(isTag)) invalidOption('tags', input, `an array of tags, each ${TAG_RULE}, e.g. ["canary"]`);
  return Object.freeze([...input]);
}
