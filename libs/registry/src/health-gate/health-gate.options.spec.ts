import { describe, expect, it } from '@jest/globals';
import { resolveHealthGate } from './health-gate.options.js';

describe('resolveHealthGate', () => {
  it('is undefined when not asked for, and fills in threshold 3 and the renewal interval', () => {
    expect(resolveHealthGate(undefined, 3_333)).toBeUndefined();
    const check = () => true;
    expect(resolveHealthGate({ check }, 3_333)).toEqual({ check, threshold: 3, interval: 3_333 });
  });

  it('names the field, the value and the rule', () => {
    expect(() => resolveHealthGate({}, 1_000)).toThrow(
      'Invalid registry option "healthGate.check": got "undefined", expected a function (resolve = healthy).',
    );
    expect(() => resolveHealthGate({ check: () => true, threshold: 0 }, 1_000)).toThrow(
      'Invalid registry option "healthGate.threshold": got 0, expected an integer ≥ 1.',
    );
    expect(() => resolveHealthGate({ check: () => true, interval: -5 }, 1_000)).toThrow(
      'Invalid registry option "healthGate.interval": got -5, expected a number of milliseconds > 0.',
    );
  });
});
