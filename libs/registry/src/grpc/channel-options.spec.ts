import { describe, expect, it } from '@jest/globals';
import { RegistryOptionsError } from '../errors/registry.error.js';
import { registryChannelOptions } from './channel-options.js';

const config = (options: { 'grpc.service_config': string }) => JSON.parse(options['grpc.service_config']) as unknown;

describe('registryChannelOptions', () => {
  it('balances round_robin and waits for a ready instance by default', () => {
    expect(config(registryChannelOptions())).toEqual({
      loadBalancingConfig: [{ round_robin: {} }],
      methodConfig: [{ name: [{}], waitForReady: true }],
    });
  });

  it('adds a retry policy on UNAVAILABLE for the idempotent services', () => {
    expect(config(registryChannelOptions({ retry: { services: ['users.UserService'] }, waitForReady: false }))).toEqual({
      loadBalancingConfig: [{ round_robin: {} }],
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

  it.each([
    [{ services: [] }, 'retry.services'],
    [{ services: [''] }, 'retry.services'],
    [{ services: ['a.B'], maxAttempts: 6 }, 'retry.maxAttempts'],
  ])('rejects %j naming %s', (retry, option) => {
    expect(() => registryChannelOptions({ retry })).toThrow(RegistryOptionsError);
    expect(() => registryChannelOptions({ retry })).toThrow(`"${option}"`);
  });
});
