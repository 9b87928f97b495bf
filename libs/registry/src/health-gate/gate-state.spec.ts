import { describe, expect, it } from '@jest/globals';
import { GateState } from './gate-state.js';

describe('GateState', () => {
  it('goes down after `threshold` failures in a row and up after as many passes', () => {
    const gate = new GateState(3);
    expect([false, false].map((r) => gate.record(r))).toEqual([undefined, undefined]);
    expect(gate.record(false)).toBe('down');
    expect(gate.down).toBe(true);
    expect(gate.record(false)).toBeUndefined();
    expect([true, true, true].map((r) => gate.record(r))).toEqual([undefined, undefined, 'up']);
    expect(gate.down).toBe(false);
  });

  it('damps flapping: an interrupted streak starts again', () => {
    const gate = new GateState(2);
    expect([false, true, false, true, false].map((r) => gate.record(r))).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(gate.record(false)).toBe('down');
    expect([true, false, true].map((r) => gate.record(r))).toEqual([undefined, undefined, undefined]);
    expect(gate.record(true)).toBe('up');
  });
});
