import { describe, expect, it } from '@jest/globals';
import { InvalidServiceError } from '../errors/registry.error.js';
import { planPermanent, resolveCheck } from './permanent-instance.js';

describe('resolveCheck', () => {
  it('fills the defaults', () => {
    expect(resolveCheck({ type: 'http' })).toEqual({
      type: 'http',
      path: '/',
      interval: 5_000,
      timeout: 2_000,
      failureThreshold: 3,
      successThreshold: 1,
      deregisterAfter: null,
      last: null,
    });
    expect(resolveCheck({ type: 'tcp', interval: 500 })).toMatchObject({ path: '', timeout: 500 }); // the timeout never exceeds the interval
  });

  it.each([
    [{ type: 'udp' }, 'check.type'],
    [{ type: 'http', path: 'health' }, 'check.path'],
    [{ type: 'tcp', path: '/x' }, 'check.path'],
    [{ type: 'http', interval: 50 }, 'check.interval'],
    [{ type: 'http', interval: 1_000, timeout: 2_000 }, 'check.timeout'],
    [{ type: 'http', failureThreshold: 0 }, 'check.failureThreshold'],
    [{ type: 'http', deregisterAfter: 10 }, 'check.deregisterAfter'],
  ])('refuses %j, naming %s', (spec, setting) => {
    expect(() => resolveCheck(spec as never)).toThrow(InvalidServiceError);
    expect(() => resolveCheck(spec as never)).toThrow(setting);
  });
});

describe('planPermanent', () => {
  const init = { serviceName: 'billing', serviceHost: '10.0.4.17', servicePort: 8080 };

  it('marks the instance permanent; STARTING with a check, UP without, unless a status is given', () => {
    const checked = planPermanent('rpc', init, { check: { type: 'tcp' } });
    expect(checked.key).toBe('/rpc/billing:1.0/10.0.4.17:8080');
    expect(checked.instance).toMatchObject({ ephemeral: false, status: 'STARTING', check: { type: 'tcp' } });
    expect(planPermanent('rpc', init).instance).toMatchObject({ ephemeral: false, status: 'UP', check: null });
    expect(planPermanent('rpc', { ...init, status: 'OUT_OF_SERVICE' }, { check: { type: 'tcp' } }).instance.status).toBe('OUT_OF_SERVICE');
  });

  it('validates the instance like every registration', () => {
    expect(() => planPermanent('rpc', { ...init, servicePort: 0 })).toThrow('servicePort');
  });
});
