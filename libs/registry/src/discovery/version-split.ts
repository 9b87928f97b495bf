import { invalidOption } from '../options/option-rules.js';
import { FIELD_RULES } from '../model/index.js';

/** Shares of calls by service version, e.g. `{ '1.0': 90, '2.0': 10 }` (weights, any positive total). @publicApi */
export type VersionSplit = Readonly<Record<string, number>>;

/** Validated splits (a client's split is one frozen object, checked once). */
const checked = new WeakSet<VersionSplit>();

/** Throws a `RegistryOptionsError` naming `option` unless `split` is a non-empty map of valid versions to weights ≥ 0, one of them > 0. @internal */
export function checkVersionSplit(option: string, split: unknown): VersionSplit {
  if (typeof split === 'object' && split !== null && checked.has(split as VersionSplit)) return split as VersionSplit;
  const entries = typeof split === 'object' && split !== null ? Object.entries(split) : [];
  const valid =
    entries.length > 0 &&
    entries.every(([version, weight]) => FIELD_RULES.serviceVersion.valid(version) && Number.isFinite(weight) && (weight as number) >= 0) &&
    entries.some(([, weight]) => (weight as number) > 0);
  if (!valid) invalidOption(option, split, `an object of service versions to weights ≥ 0 (one > 0), e.g. { '1.0': 90, '2.0': 10 }`);
  checked.add(split as VersionSplit);
  return split as VersionSplit;
}

/**
 * The version a call goes to: drawn by weight (`roll` in [0, 1)) among the versions `usable`
 * says have an instance to choose; when none has, the heaviest one (whose choice then fails,
 * naming it). @internal
 */
export function pickVersion(split: VersionSplit, roll: number, usable: (version: string) => boolean): string {
  let total = 0;
  let heaviest = '';
  for (const version in split) {
    const weight = split[version]!;
    if (heaviest === '' || weight > split[heaviest]!) heaviest = version;
    if (weight > 0 && usable(version)) total += weight;
  }
  let left = roll * total;
  let last = heaviest;
  for (const version in split) {
    const weight = split[version]!;
    if (weight <= 0 || !usable(version)) continue;
    if (left < weight) return version;
    left -= weight;
    last = version; // rounding can leave a sliver past the end: the last usable version takes it
  }
  return last;
}
