import { describe, expect, it } from '@jest/globals';
import { BackendUnavailableError } from '../../errors/registry.error.js';
import { explainEtcdError } from './etcd-errors.js';

const HOSTS = ['https://127.0.0.1:2379'];
const explain = (message: string, user?: string) => explainEtcdError(new Error(message), HOSTS, user) as Error & { code?: string };

describe('explainEtcdError', () => {
  it('says a refused client certificate is a TLS problem, without the OpenSSL noise', () => {
    const error = explain(
      '14 UNAVAILABLE: No connection established. Last error: 807C026E437F0000:error:0A000412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 42\n (2026-12-03T14:03:33.201Z). Resolution note: ',
    );
    expect(error.code).toBe('ACCESS_DENIED');
    expect(error.message).toBe(
      "TLS with the etcd registry at https://127.0.0.1:2379 failed (alert bad certificate). This is a TLS problem: check the backend's credentials (the CA that signed the server's certificate; the client certificate and key when the server requires them).",
    );
  });

  it('says an untrusted server certificate is a TLS problem', () => {
    expect(
      explain('14 UNAVAILABLE: No connection established. Last error: Error: unable to verify the first certificate.').message,
    ).toContain('failed (unable to verify the first certificate). This is a TLS problem');
  });

  it('names the user, never a password, when authentication fails', () => {
    const error = explain('3 INVALID_ARGUMENT: etcdserver: authentication failed, invalid user ID or password', 'nsr-app');
    expect(error.message).toBe(
      'The etcd registry at https://127.0.0.1:2379 refused user "nsr-app" (authentication failed). This is an authentication problem: check the backend\'s auth (username and password).',
    );
  });

  it('says credentials are needed when none were given', () => {
    expect(explain('3 INVALID_ARGUMENT: etcdserver: user name is empty').message).toBe(
      "The etcd registry at https://127.0.0.1:2379 requires authentication (user name is empty): set the backend's auth (username and password).",
    );
  });

  it('points at the role when the user may not touch the prefix', () => {
    expect(explain('7 PERMISSION_DENIED: etcdserver: permission denied', 'nsr-app').message).toContain(
      'denied user "nsr-app" access (permission denied). The user\'s role needs readwrite on the namespace prefix',
    );
  });

  it('returns every other error as it is', () => {
    const down = new Error('14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 127.0.0.1:2379');
    expect(explainEtcdError(down, HOSTS, 'u')).toBe(down);
  });

  it('turns "no server answered" into a BackendUnavailableError with the same message, and leaves other errors alone', () => {
    class GRPCUnavailableError extends Error {}
    const unavailable = new GRPCUnavailableError('14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED');
    const explained = explainEtcdError(unavailable, HOSTS, undefined);
    expect(explained).toBeInstanceOf(BackendUnavailableError);
    expect(explained).toMatchObject({ code: 'BACKEND_UNAVAILABLE', message: unavailable.message, cause: unavailable });
    const other = new Error('9 FAILED_PRECONDITION: something else');
    expect(explainEtcdError(other, HOSTS, undefined)).toBe(other);
  });
});
