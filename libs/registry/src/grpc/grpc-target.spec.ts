import { describe, expect, it } from '@jest/globals';
import { parseTargetPath, registryTarget } from './grpc-target.js';

describe('registry gRPC targets', () => {
  it('names a service and version, and reads them back', () => {
    expect(registryTarget('user-grpc', '1.0')).toBe('registry:///user-grpc:1.0');
    expect(registryTarget('user-grpc', '2.1', 'reg')).toBe('reg:///user-grpc:2.1');
    expect(parseTargetPath('user-grpc:1.0')).toEqual({ serviceName: 'user-grpc', serviceVersion: '1.0' });
    expect(parseTargetPath('/orders:2.0')).toEqual({ serviceName: 'orders', serviceVersion: '2.0' });
    expect(parseTargetPath('orders')).toEqual({ serviceName: 'orders', serviceVersion: '1.0' });
  });

  it('rejects a path that is no service, naming it and the form', () => {
    expect(() => parseTargetPath('')).toThrow('"" is not a registry target path: expected "<serviceName>:<version>"');
    expect(() => parseTargetPath('a b:1.0')).toThrow('"a b:1.0" is not a registry target path');
    expect(() => parseTargetPath('users:')).toThrow('"users:" is not a registry target path');
  });
});
