import { describe, expect, it } from '@jest/globals';
import { RegistryOptionsError } from '../errors/registry.error.js';
import { checkVersionSplit, pickVersion } from './version-split.js';

const SPLIT = Object.freeze({ '1.0': 90, '2.0': 10 });
const all = () => true;

describe('version split', () => {
  it('draws a version by weight', () => {
    expect(pickVersion(SPLIT, 0, all)).toBe('1.0');
    expect(pickVersion(SPLIT, 0.899, all)).toBe('1.0');
    expect(pickVersion(SPLIT, 0.9, all)).toBe('2.0');
    expect(pickVersion(SPLIT, 0.999_999_999_999, all)).toBe('2.0');
  });

  it('sends everything to the versions that have instances; the heaviest when none has', () => {
    expect(pickVersion(SPLIT, 0, (v) => v === '2.0')).toBe('2.0');
    expect(pickVersion(SPLIT, 0.95, (v) => v === '1.0')).toBe('1.0');
    expect(pickVersion({ '1.0': 10, '2.0': 0 }, 0.5, (v) => v === '2.0')).toBe('1.0'); // weight 0 takes nothing
    expect(pickVersion(SPLIT, 0.5, () => false)).toBe('1.0');
  });

  it('refuses a split that cannot route, naming the option', () => {
    for (const bad of [{}, { '1.0': -1 }, { '1.0': 0 }, { 'bad version!': 1 }, { '1.0': Number.NaN }, null, 'x']) {
      expect(() => checkVersionSplit('versions', bad)).toThrow(RegistryOptionsError);
    }
    expect(() => checkVersionSplit('clients[X].versions', {})).toThrow(/clients\[X\]\.versions/);
    expect(checkVersionSplit('versions', SPLIT)).toBe(SPLIT);
  });
});
