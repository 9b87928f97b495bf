import { describe, expect, it } from '@jest/globals';
import type { WritePacket } from '@nestjs/microservices';
import { createServiceInstance, type ServiceInstance } from '../model/index.js';
import { failoverRequest, isServerFault, type FailoverHost } from './failover-request.js';
import type { InstanceConnection } from './tcp-connection-pool.js';

// failoverRequest's logic with a scripted host: which instance refuses, which answers how.
const instances = [1, 2, 3].map((port) => createServiceInstance({ serviceName: 'svc', serviceHost: 'h', servicePort: port }));
type Behaviour = 'refuse' | 'answer' | 'app-error' | 'lose';

function host(behaviours: Behaviour[], retries = 2) {
  const ejected: number[] = [];
  const connection = (instance: ServiceInstance, behaviour: Behaviour) =>
    ({
      settled: () => undefined,
      request: (_packet: unknown, reply: (packet: WritePacket) => void) => {
        queueMicrotask(() => {
          if (behaviour === 'answer') reply({ response: instance.servicePort, isDisposed: true });
          else if (behaviour === 'app-error') reply({ err: { message: 'not found' }, isDisposed: true });
          else reply({ err: new Error('Connection closed'), isDisposed: true });
        });
        return () => undefined;
      },
    }) as unknown as InstanceConnection;
  const fake: FailoverHost = {
    retries,
    idempotent: () => false,
    choose: (tried) => instances.find((i) => !tried.has(i.id)),
    track: () => ({ succeeded: () => undefined, failed: () => undefined }),
    ready: () => undefined,
    connect: (instance) => {
      const behaviour = behaviours[instance.servicePort - 1]!;
      return behaviour === 'refuse' ? Promise.reject(new Error('connect ECONNREFUSED')) : Promise.resolve(connection(instance, behaviour));
    },
    eject: (instance) => ejected.push(instance.servicePort),
    failure: (attempts) => Object.assign(new Error(`${attempts.length} attempts failed`), { code: 'CALL_FAILED' }),
    unknownOutcome: (instance, error) =>
      Object.assign(new Error(`lost on ${instance.servicePort}`), { code: 'CALL_OUTCOME_UNKNOWN', cause: error }),
  };
  return { fake, ejected };
}

const call = (fake: FailoverHost) =>
  new Promise<{ reply: WritePacket; failedAttempts: number }>((resolve) => {
    failoverRequest(fake, { pattern: 'p', data: 1 }, (reply, failedAttempts) => resolve({ reply, failedAttempts }));
  });

describe('failoverRequest', () => {
  it('answers from the first instance with no failed attempt', async () => {
    const { fake, ejected } = host(['answer', 'answer', 'answer']);
    expect(await call(fake)).toEqual({ reply: { response: 1, isDisposed: true }, failedAttempts: 0 });
    expect(ejected).toEqual([]);
  });

  it('moves past refused instances, ejecting each, and says how many failed before the answer', async () => {
    const { fake, ejected } = host(['refuse', 'refuse', 'answer']);
    expect(await call(fake)).toEqual({ reply: { response: 3, isDisposed: true }, failedAttempts: 2 });
    expect(ejected).toEqual([1, 2]);
  });

  it('delivers an application error after a failover as the answer (no retry)', async () => {
    const { fake } = host(['refuse', 'app-error', 'answer']);
    const { reply, failedAttempts } = await call(fake);
    expect(reply.err).toEqual({ message: 'not found' });
    expect(failedAttempts).toBe(1);
  });

  it('ends with the failure once retries are used up', async () => {
    const { fake, ejected } = host(['refuse', 'refuse', 'answer'], 1);
    const { reply, failedAttempts } = await call(fake);
    expect(String(reply.err)).toContain('2 attempts failed');
    expect(failedAttempts).toBe(2);
    expect(ejected).toEqual([1, 2]);
  });

  it('does not retry a delivered, non-idempotent call lost with its connection; ejects the instance', async () => {
    const { fake, ejected } = host(['lose', 'answer', 'answer']);
    const { reply, failedAttempts } = await call(fake);
    expect(reply.err).toMatchObject({ code: 'CALL_OUTCOME_UNKNOWN', message: 'lost on 1' });
    expect(failedAttempts).toBe(0);
    expect(ejected).toEqual([1]);
  });
});

describe('isServerFault', () => {
  it("is Nest's answer to an unhandled exception in a TCP handler, not a deliberate RpcException", () => {
    expect(isServerFault({ status: 'error', message: 'Internal server error' })).toBe(true);
    expect(isServerFault({ status: 'error', message: 'user 7 not found' })).toBe(false);
    expect(isServerFault('Internal server error')).toBe(false);
    expect(isServerFault(null)).toBe(false);
  });
});
