import { rejectUnknownKeys } from '../options/unknown-keys.js';
import { invalidOption, milliseconds } from '../options/option-rules.js';
import { isValidName, NAME_RULE_TEXT } from '../model/index.js';

/** Options of `RegistryCheckerModule.forRoot()`. @publicApi */
export interface RegistryCheckerOptions {
  /** Name of the election (one leader per name and namespace). Default `checker`. */
  readonly election?: string;
  /** Seconds the leader's claim lives after its last renewal: how soon another checker takes over from a dead one. Default: the registry's `ttl`. */
  readonly ttl?: number;
  /** Milliseconds between two reads of the namespace for permanent instances (added, changed, removed). Default 2000. */
  readonly refreshInterval?: number;
}

/** Validated checker options. @internal */
export interface ResolvedCheckerOptions {
  readonly election: string;
  readonly ttl: number | undefined;
  readonly refreshInterval: number;
}

const KNOWN = ['election', 'ttl', 'refreshInterval'] as const;

/** Checks every option, throwing a `RegistryOptionsError` naming the option and its rule. @internal */
export function resolveCheckerOptions(options: RegistryCheckerOptions): ResolvedCheckerOptions {
  rejectUnknownKeys('checker', options, KNOWN);
  const election = options.election ?? 'checker';
  if (!isValidName(election)) invalidOption('checker.election', election, NAME_RULE_TEXT);
  const ttl = options.ttl;
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 1 || ttl > 3600))
    invalidOption('checker.ttl', ttl, 'a whole number of seconds in 1..3600');
  return { election, ttl, refreshInterval: milliseconds('checker.refreshInterval', options.refreshInterval, 2_000, { integer: true }) };
}
