import { MESSAGES } from '../registry.messages.js';
import { RegistryOptionsError } from '../errors/registry.error.js';
import { FIELD_RULES } from '../model/index.js';

/** Throws the standard error naming the option, the value and the rule. @internal */
export function invalidOption(option: string, value: unknown, rule: string): never {
  throw new RegistryOptionsError(MESSAGES.invalidOption(option, value, rule), option, value);
}

/**
 * A duration option, milliseconds: `fallback` when absent; otherwise a finite number > 0 (≥ 0
 * with `allowZero`; a whole number with `integer`). The one place this rule is checked. @internal
 */
export function milliseconds(
  option: string,
  value: unknown,
  fallback: number,
  { allowZero = false, integer = false }: { allowZero?: boolean; integer?: boolean } = {},
): number {
  if (value === undefined) return fallback;
  const valid =
    typeof value === 'number' && Number.isFinite(value) && (allowZero ? value >= 0 : value > 0) && (!integer || Number.isInteger(value));
  if (!valid) invalidOption(option, value, `a ${integer ? 'whole ' : ''}number of milliseconds ${allowZero ? '≥' : '>'} 0`);
  return value;
}

/** How many other instances a client may try after a failed attempt: an integer in 0..10. @internal */
export function retriesOption(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 10) invalidOption(option, value, 'an integer in 0..10');
  return value as number;
}

/** A zone option: `null` (none) or a non-empty printable string of at most 128 characters. @internal */
export function zoneOption(option: string, value: unknown): string | null {
  if (value !== null && (!FIELD_RULES.zone.valid(value) || value === ''))
    invalidOption(option, value, 'a non-empty printable string of at most 128 characters');
  return value as string | null;
}

/** A slow-start option: a whole number of milliseconds ≥ 0 (0: none). @internal */
export function warmupOption(option: string, value: unknown): number {
  return milliseconds(option, value, 0, { allowZero: true, integer: true });
}

/** A port option: the instance field's rule (an integer in 1..65535). @internal */
export function portOption(option: string, value: unknown): number {
  if (!FIELD_RULES.servicePort.valid(value)) invalidOption(option, value, FIELD_RULES.servicePort.rule);
  return value as number;
}
