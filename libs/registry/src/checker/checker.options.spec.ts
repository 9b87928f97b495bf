import { describe, expect, it } from '@jest/globals';
import { RegistryOptionsError } from '../errors/registry.error.js';
import { resolveCheckerOptions } from './checker.options.js';

describe('resolveCheckerOptions', () => {
  it('has defaults', () => {
    expect(resolveCheckerOptions({})).toEqual({ election: 'checker', ttl: undefined, refreshInterval: 2_000 });
  });

  it.each([
    [{ election: 'a/b' }, 'checker.election'],
    [{ ttl: 0 }, 'checker.ttl'],
    [{ refreshInterval: -1 }, 'checker.refreshInterval'],
    [{ refreshIntervall: 5 }, 'checker.refreshIntervall'],
  ])('refuses %j, naming %s', (options, option) => {
    expect(() => resolveCheckerOptions(options as never)).toThrow(RegistryOptionsError);
    expect(() => resolveCheckerOptions(options as never)).toThrow(option);
  });
});
