import { describe, expect, it } from '@jest/globals';
import {
  BackendUnavailableError,
  CallFailedError,
  CallOutcomeUnknownError,
  NoInstancesError,
  RegistryTimeoutError,
} from '../errors/registry.error.js';
import { registryErrorResponse } from './registry-error-response.js';

describe('registryErrorResponse', () => {
  it('maps no instance and an unreachable registry to 503 with Retry-After', () => {
    expect(registryErrorResponse(new NoInstancesError('none', 'user-service', '1.0'))).toEqual({
      status: 503,
      body: { statusCode: 503, code: 'NO_INSTANCES', service: 'user-service', message: 'none' },
      retryAfterSeconds: 1,
    });
    expect(registryErrorResponse(new BackendUnavailableError('down'))).toEqual({
      status: 503,
      body: { statusCode: 503, code: 'BACKEND_UNAVAILABLE', message: 'down' },
      retryAfterSeconds: 1,
    });
  });

  it('maps every attempt failed, and an unknown outcome, to 502 naming the service', () => {
    expect(registryErrorResponse(new CallFailedError('failed', 'user-rpc', []))).toEqual({
      status: 502,
      body: { statusCode: 502, code: 'CALL_FAILED', service: 'user-rpc', message: 'failed' },
    });
    const lost = new CallOutcomeUnknownError('lost', 'user-rpc', '127.0.0.1:1', 'user-rpc:1.0@127.0.0.1:1', new Error('Connection closed'));
    expect(registryErrorResponse(lost)).toEqual({
      status: 502,
      body: { statusCode: 502, code: 'CALL_OUTCOME_UNKNOWN', service: 'user-rpc', message: 'lost' },
    });
  });

  it('leaves any other error alone', () => {
    expect(registryErrorResponse(new RegistryTimeoutError('slow'))).toBeUndefined();
    expect(registryErrorResponse(new Error('boom'))).toBeUndefined();
  });
});
