import { describe, expect, it } from '@jest/globals';
import { RegistryOptionsError } from '../errors/registry.error.js';
import { milliseconds, portOption, retriesOption } from './option-rules.js';

const failure = (run: () => unknown): RegistryOptionsError => {
  try {
    run();
  } catch (error) {
    return error as RegistryOptionsError;
  }
  throw new Error('expected a RegistryOptionsError');
};

describe('option rules (each checked in one place)', () => {
  it('milliseconds: the fallback when absent, > 0 (or ≥ 0), whole when asked', () => {
    expect(milliseconds('t', undefined, 7)).toBe(7);
    expect(milliseconds('t', 0.5, 7)).toBe(0.5);
    expect(milliseconds('t', 0, 7, { allowZero: true })).toBe(0);
    expect(failure(() => milliseconds('a.t', 0, 7))).toMatchObject({
      option: 'a.t',
      value: 0,
      message: expect.stringContaining('milliseconds > 0'),
    });
    expect(failure(() => milliseconds('t', -1, 7, { allowZero: true })).message).toContain('milliseconds ≥ 0');
    expect(failure(() => milliseconds('t', 1.5, 7, { integer: true })).message).toContain('a whole number of milliseconds > 0');
    expect(failure(() => milliseconds('t', '5', 7))).toBeInstanceOf(RegistryOptionsError);
  });

  it('ports and retries', () => {
    expect(portOption('port', 65535)).toBe(65535);
    expect(failure(() => portOption('grpcPort', 0)).message).toContain('an integer in 1..65535');
    expect(retriesOption('retries', undefined, 2)).toBe(2);
    expect(retriesOption('retries', 0, 2)).toBe(0);
    expect(failure(() => retriesOption('retries', 11, 2)).message).toContain('an integer in 0..10');
  });
});
