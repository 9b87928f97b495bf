import { describe, expect, it } from '@jest/globals';
import { RegistryOptionsError } from '../errors/registry.error.js';
import { registryChannelOptions, type RegistryChannelOptions } from './channel-options.js';

const config = (options: RegistryChannelOptions) => JSON.parse(options['grpc.service_config']) as unknown;

describe('registryChannelOptions', () => {
  it('balances by zone (the registry policy) or round_robin, and waits for a ready instance by default', () => {
    expect(config(registryChannelOptions())).toEqual({
      loadBalancingConfig: [{ registry_zone_preference: {} }, { round_robin: {} }],
      methodConfig: [{ name: [{}], waitForReady: true }],
    });
  });

  it('adds a retry policy on UNAVAILABLE for the idempotent services', () => {
    expect(config(registryChannelOptions({ retry: { services: ['users.UserService'] }, waitForReady: false }))).toEqual({
      loadBalancingConfig: [{ registry_zone_preference: {} }, { round_robin: {} }],
      methodConfig: [
        {
          name: [{ service: 'users.UserService' }],
          waitForReady: false,
          retryPolicy: {
            maxAttempts: 3,
            initialBackoff: '0.02s',
            maxBackoff: '0.5s',
            backoffMultiplier: 2,
            retryableStatusCodes: ['UNAVAILABLE'],
          },
        },
        { name: [{}], waitForReady: false },
      ],
    });
  });

  it('adds the interceptor that sends calls of those services again after their response began, with retry only', () => {
    expect(registryChannelOptions({ retry: { services: ['users.UserService'] } }).interceptors).toEqual([expect.any(Function)]);
    expect(registryChannelOptions()).not.toHaveProperty('interceptors');
  });

  it.each([
    [{ services: ['a.B'], retryableStatusCodes: ['UNAVAILBLE'] }, 'retry.retryableStatusCodes'],
    [{ services: ['a.B'], retryableStatusCodes: [] }, 'retry.retryableStatusCodes'],
    [{ services: [] }, 'retry.services'],
    [{ services: [''] }, 'retry.services'],
    [{ services: ['a.B'], maxAttempts: 6 }, 'retry.maxAttempts'],
  ])('rejects %j naming %s', (retry, option) => {
    expect(() => registryChannelOptions({ retry })).toThrow(RegistryOptionsError);
    expect(() => registryChannelOptions({ retry })).toThrow(`"${option}"`);
  });
});
