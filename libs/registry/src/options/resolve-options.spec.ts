import { describe, expect, it } from '@jest/globals';
import { etcd } from '../backends/etcd/index.js';
import { memory } from '../backends/memory/index.js';
import { RegistryOptionsError } from '../errors/registry.error.js';
import { resolveRegistryOptions } from './resolve-options.js';

function errorOf(fn: () => unknown): RegistryOptionsError {
  try {
    fn();
  } catch (error) {
    if (error instanceof RegistryOptionsError) return error;
    throw error;
  }
  throw new Error('expected a RegistryOptionsError');
}

describe('resolveRegistryOptions', () => {
  it('applies the documented defaults and freezes the result', () => {
    const options = resolveRegistryOptions({ backend: etcd(), host: '10.0.0.7' });
    expect(options).toMatchObject({
      namespace: 'rpc',
      ttl: 10,
      renewIntervalMs: 3333,
      host: '10.0.0.7',
      hostIsFallback: false,
      requestTimeout: 2000,
      shutdownTimeout: 5000,
      drainDelay: 1000,
      retryInitialDelay: 200,
      retryMaxDelay: 3333,
    });
    expect(Object.isFrozen(options)).toBe(true);
  });

  it('does not mutate the caller object', () => {
    const backend = etcd();
    const input = { backend, ttl: 30 };
    resolveRegistryOptions(input);
    expect(input).toEqual({ backend, ttl: 30 });
  });

  it.each([
    [{ ttl: 1 }, 'ttl', 1, 'whole number of seconds ≥ 2'],
    [{ ttl: 2.5 }, 'ttl', 2.5, 'whole number of seconds ≥ 2'],
    [{ ttl: 10, renewInterval: 10 }, 'renewInterval', 10, 'below ttl (10)'],
    [{ ttl: 10, renewInterval: 0 }, 'renewInterval', 0, 'below ttl (10)'],
    [{ namespace: 'a/b' }, 'namespace', 'a/b', 'letters, digits'],
    [{ namespace: '' }, 'namespace', '', 'letters, digits'],
    [{ port: 70000 }, 'port', 70000, 'integer in 1..65535'],
    [{ host: 'a b' }, 'host', 'a b', 'host name or IP address'],
    [{ zone: '' }, 'zone', '', 'non-empty printable string'],
    [{ warmup: -1 }, 'warmup', -1, 'milliseconds ≥ 0'],
    [{ zone: 'a\nb' }, 'zone', 'a\nb', 'non-empty printable string'],
    [{ requestTimeout: -1 }, 'requestTimeout', -1, 'milliseconds > 0'],
  ])('rejects %j naming option, value and rule', (input, option, value, rule) => {
    const error = errorOf(() => resolveRegistryOptions({ backend: etcd(), ...input }));
    expect(error.option).toBe(option);
    expect(error.value).toEqual(value);
    expect(error.message).toContain(`"${option}"`);
    expect(error.message).toContain(JSON.stringify(value));
    expect(error.message).toContain(rule);
  });

  it('requires a backend factory (RegistryModule puts in the default etcd one)', () => {
    expect(errorOf(() => resolveRegistryOptions({})).option).toBe('backend');
  });

  it("checks ttl against the backend's own minimum", () => {
    expect(resolveRegistryOptions({ backend: memory(), ttl: 1 }).ttl).toBe(1);
    expect(errorOf(() => resolveRegistryOptions({ backend: etcd(), ttl: 1 })).message).toContain(
      'the etcd backend grants no shorter lease',
    );
  });

  it('validates backend options with the module options', () => {
    const error = errorOf(() => resolveRegistryOptions({ backend: etcd({ hosts: [] }) }));
    expect(error.option).toBe('backend.hosts');
    expect(error.message).toContain('non-empty list of endpoints');
    expect(errorOf(() => resolveRegistryOptions({ backend: etcd({ hosts: ' , ' }) })).option).toBe('backend.hosts');
    expect(errorOf(() => resolveRegistryOptions({ backend: etcd({ keepaliveTime: 1000 }) })).option).toBe('backend.keepaliveTime');
  });

  it.each([
    'nonsense',
    '127.0.0.1:2379',
    'http://127.0.0.1',
    'grpc://127.0.0.1:2379',
    'http://h:2379/v3',
    'http://h:2379?x=1',
    'http:// h:1',
  ])('refuses the etcd endpoint %j, naming option, value and rule', (host) => {
    const error = errorOf(() => resolveRegistryOptions({ backend: etcd({ hosts: [host] }) }));
    expect(error.option).toBe('backend.hosts');
    expect(error.message).toContain(JSON.stringify(host));
    expect(error.message).toContain('http(s) URLs with a port');
  });

  it('accepts http(s) endpoints with a port, IPv6 in brackets, a trailing slash', () => {
    const hosts = ['http://127.0.0.1:2379', 'https://etcd-1.internal:2379/', 'http://[::1]:2379'];
    expect(resolveRegistryOptions({ backend: etcd({ hosts }) }).backend.kind).toBe('etcd');
    expect(resolveRegistryOptions({ backend: etcd({ hosts: hosts.join(',') }) }).backend.kind).toBe('etcd');
  });

  it('refuses an endpoint with user info without printing it', () => {
    const error = errorOf(() => resolveRegistryOptions({ backend: etcd({ hosts: 'nonsense,http://root:s3cret@127.0.0.1:2379' }) }));
    expect(error.option).toBe('backend.hosts');
    expect(error.message).toContain('pass credentials in "auth"');
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain('s3cret');
  });
});
