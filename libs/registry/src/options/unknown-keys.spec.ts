import { describe, expect, it } from '@jest/globals';
import { RegistryOptionsError } from '../errors/registry.error.js';
import { keysOf, nearestKey, rejectUnknownKeys } from './unknown-keys.js';

describe('rejectUnknownKeys', () => {
  const known = keysOf<{ ttl?: number; namespace?: string; requestTimeout?: number }>()(['ttl', 'namespace', 'requestTimeout']);

  it('lists every option of its interface (checked by the compiler)', () => {
    // @ts-expect-error -- 'b' is missing from the list: the list does not compile
    expect(keysOf<{ a?: number; b?: number }>()(['a'])).toEqual(['a']);
  });

  it('accepts known keys, and anything that is not an object', () => {
    expect(() => rejectUnknownKeys('', { ttl: 5, namespace: 'rpc' }, known)).not.toThrow();
    expect(() => rejectUnknownKeys('', undefined, known)).not.toThrow();
  });

  it('names an unknown key, its path and the nearest valid one', () => {
    expect(() => rejectUnknownKeys('', { tll: 5 }, known)).toThrow(
      'Unknown registry option "tll": did you mean "ttl"? Valid options: ttl, namespace, requestTimeout.',
    );
    const error = (() => {
      try {
        rejectUnknownKeys('backend', { requestTimout: 1 }, known);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(RegistryOptionsError);
    expect(error).toMatchObject({ option: 'backend.requestTimout', value: undefined });
  });

  it('suggests nothing when no key is close', () => {
    expect(nearestKey('colour', known)).toBeUndefined();
    expect(() => rejectUnknownKeys('', { colour: 'red' }, known)).toThrow(
      'Unknown registry option "colour". Valid options: ttl, namespace',
    );
  });
});
