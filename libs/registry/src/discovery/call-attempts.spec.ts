import { describe, expect, it } from '@jest/globals';
import type { CallAttempt } from '../errors/registry.error.js';
import type { ServiceInstance } from '../model/index.js';
import { AttemptFailed, failover, type FailoverCall } from './call-attempts.js';

const instance = (n: number) => ({ id: `i${n}`, serviceHost: '127.0.0.1', servicePort: 1000 + n }) as ServiceInstance;

/** A call over instances i1..i3 whose attempts answer as `outcomes` says, in order. */
function call(outcomes: Array<'ok' | 'fail' | 'end' | 'throw'>, retries = 2) {
  const log: string[] = [];
  const spec: FailoverCall<string> = {
    retries,
    choose: (tried) => [1, 2, 3].map(instance).find((i) => !tried.has(i.id)),
    attempt: async (i) => {
      const outcome = outcomes.shift();
      log.push(`${i.id}:${outcome}`);
      if (outcome === 'fail') throw new AttemptFailed(new Error(`refused by ${i.id}`));
      if (outcome === 'end') throw new AttemptFailed(new Error('lost'), new Error(`unknown outcome at ${i.id}`));
      if (outcome === 'throw') throw new Error('an answer');
      return `served by ${i.id}`;
    },
    failed: (i) => log.push(`ejected ${i.id}`),
    failure: (attempts) => new Error(`failed after ${attempts.length}`),
  };
  return { spec, log };
}

describe('failover (the promise call paths’ loop)', () => {
  it('moves on after a failed attempt, never to the same instance, and records it', async () => {
    const { spec, log } = call(['fail', 'ok']);
    const attempts: CallAttempt[] = [];
    await expect(failover(spec, attempts)).resolves.toBe('served by i2');
    expect(log).toEqual(['i1:fail', 'ejected i1', 'i2:ok']);
    expect(attempts).toEqual([{ address: '127.0.0.1:1001', instanceId: 'i1', error: new Error('refused by i1') }]);
  });

  it('ends after retries, when no instance is left, on an end error, and on any other error', async () => {
    await expect(failover(call(['fail', 'fail', 'fail'], 1).spec)).rejects.toThrow('failed after 2');
    await expect(failover(call(['fail', 'fail', 'fail'], 5).spec)).rejects.toThrow('failed after 3');
    const ended = call(['end', 'ok']);
    await expect(failover(ended.spec)).rejects.toThrow('unknown outcome at i1');
    expect(ended.log).toEqual(['i1:end', 'ejected i1']);
    await expect(failover(call(['throw']).spec)).rejects.toThrow('an answer');
  });
});
