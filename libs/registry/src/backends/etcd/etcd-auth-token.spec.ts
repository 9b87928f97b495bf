import { describe, expect, it } from '@jest/globals';
import { Etcd3, EtcdInvalidAuthTokenError } from 'etcd3';
import { isAuthTokenError, renewAuthToken, type Etcd3AuthInternals } from './etcd-auth-token.js';

describe('isAuthTokenError', () => {
  it('recognises the client error and the server messages of a stale token', () => {
    expect(isAuthTokenError(new EtcdInvalidAuthTokenError('x'))).toBe(true);
    expect(isAuthTokenError(new Error('Watcher canceled: etcdserver: invalid auth token'))).toBe(true);
    expect(isAuthTokenError(new Error('16 UNAUTHENTICATED: etcdserver: invalid auth token'))).toBe(true);
    expect(isAuthTokenError(new Error('etcdserver: permission denied'))).toBe(false);
    expect(isAuthTokenError(new Error('14 UNAVAILABLE: No connection established'))).toBe(false);
  });
});

describe('renewAuthToken', () => {
  it('finds the internals it needs in the installed etcd3 (fails when an upgrade moves them)', () => {
    const client = new Etcd3({ hosts: 'http://127.0.0.1:1', auth: { username: 'u', password: 'p' } });
    try {
      const internals = client as unknown as Etcd3AuthInternals;
      expect(typeof internals.pool?.authenticator?.invalidateMetadata).toBe('function');
      expect(typeof internals.watchManager?.handleError).toBe('function');
      expect(internals.watchManager?.state).toBe(0);
    } finally {
      client.close();
    }
  });

  it('drops the cached token, and restarts the watch stream only when asked and connected', () => {
    const calls: string[] = [];
    const fake = (state: number) =>
      ({
        pool: { authenticator: { invalidateMetadata: () => calls.push('invalidate') } },
        watchManager: { state, handleError: (e: Error) => calls.push(`restart: ${e.message}`) },
      }) as unknown as Etcd3;
    renewAuthToken(fake(2), true, new Error('invalid auth token'));
    renewAuthToken(fake(2), false, new Error('x'));
    renewAuthToken(fake(1), true, 'connecting');
    expect(calls).toEqual(['invalidate', 'restart: invalid auth token', 'invalidate', 'invalidate']);
  });
});
