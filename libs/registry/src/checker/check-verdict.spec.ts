import { describe, expect, it } from '@jest/globals';
import { nextStreak, verdict, type Streak } from './check-verdict.js';
import type { InstanceCheck } from '../model/index.js';

const check: InstanceCheck = {
  type: 'tcp',
  path: '',
  interval: 1_000,
  timeout: 500,
  failureThreshold: 3,
  successThreshold: 2,
  deregisterAfter: 10_000,
  last: null,
};
const run = (results: boolean[]): Streak => results.reduce(nextStreak, { passes: 0, failures: 0 });

describe('check verdict', () => {
  it('turns UP after successThreshold consecutive passes, DOWN after failureThreshold consecutive failures', () => {
    expect(verdict('STARTING', check, run([true]), 0)).toEqual({ kind: 'keep' });
    expect(verdict('STARTING', check, run([true, true]), 0)).toEqual({ kind: 'status', status: 'UP' });
    expect(verdict('UP', check, run([false, false]), 0)).toEqual({ kind: 'keep' });
    expect(verdict('UP', check, run([false, false, false]), 0)).toEqual({ kind: 'status', status: 'DOWN' });
    expect(verdict('UP', check, run([false, false, true, false, false]), 0)).toEqual({ kind: 'keep' }); // not consecutive
    expect(verdict('DOWN', check, run([false, true, true]), 0)).toEqual({ kind: 'status', status: 'UP' });
  });

  it('never writes a status the instance already has: a new leader with an empty streak changes nothing', () => {
    expect(verdict('UP', check, run([]), 0)).toEqual({ kind: 'keep' });
    expect(verdict('UP', check, run([true, true, true]), 0)).toEqual({ kind: 'keep' });
    expect(verdict('DOWN', check, run([false, false, false, false]), 0)).toEqual({ kind: 'keep' });
  });

  it('leaves a drained (OUT_OF_SERVICE) instance alone', () => {
    expect(verdict('OUT_OF_SERVICE', check, run([false, false, false]), 0)).toEqual({ kind: 'keep' });
  });

  it('deregisters an instance DOWN for deregisterAfter since the failure that made it DOWN, not before, and never without the setting', () => {
    const down = { ...check, last: { ok: false, at: new Date(1_000_000).toISOString(), detail: 'connect ECONNREFUSED' } };
    expect(verdict('DOWN', down, run([false]), 1_000_000 + 9_999)).toEqual({ kind: 'keep' });
    expect(verdict('DOWN', down, run([false]), 1_000_000 + 10_000)).toEqual({ kind: 'deregister' });
    expect(verdict('DOWN', down, run([true]), 1_000_000 + 10_000)).toEqual({ kind: 'keep' }); // came back: counting passes
    expect(verdict('DOWN', { ...down, deregisterAfter: null }, run([false]), 1e12)).toEqual({ kind: 'keep' });
  });
});
