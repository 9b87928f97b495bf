import { RegistryOptionsError } from '../errors/registry.error.js';
import { MESSAGES } from '../registry.messages.js';

/** `K` when it names every key of `T` (each an allowed key), `never` otherwise: a compile error at the list. */
type EveryKeyOf<T, K extends readonly PropertyKey[]> = [Exclude<keyof T, K[number]>] extends [never] ? K : never;

/**
 * The option names of `T`, written out once beside its interface: the compiler rejects the list
 * when a field is added to `T` and not to it, so the check below never rejects a real option.
 * @internal
 */
export const keysOf =
  <T>() =>
  <const K extends readonly (keyof T & string)[]>(keys: EveryKeyOf<T, K>): readonly string[] =>
    keys;

/** Edit distance of two short strings (insertions, deletions, substitutions). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The known key nearest to `key`, when it is near enough to be a typo of it. @internal */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const name of known) {
    const d = distance(key.toLowerCase(), name.toLowerCase());
    if (!best || d < best.d) best = { name, d };
  }
  return best && best.d <= Math.max(2, Math.floor(key.length / 3)) ? best.name : undefined;
}

/**
 * Fails with a `RegistryOptionsError` when `input` has a key not in `known`, naming it (under
 * `path`, e.g. `backend` or `clients[USER_RPC]`) and the nearest valid one: a typo such as
 * `tll: 5` coming through `forRootAsync`, JSON or an untyped object is never ignored. @internal
 */
export function rejectUnknownKeys(path: string, input: unknown, known: readonly string[]): void {
  if (typeof input !== 'object' || input === null) return;
  for (const key of Object.keys(input)) {
    if (known.includes(key)) continue;
    const option = path === '' ? key : `${path}.${key}`;
    // The value is not kept: an option under an unknown name may still be a secret.
    throw new RegistryOptionsError(MESSAGES.unknownOption(option, nearestKey(key, known), known), option, undefined);
  }
}
