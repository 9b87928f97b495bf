import { describe, expect, it } from '@jest/globals';
import { explainRedisError } from './redis-errors.js';

const AT = ['redis://nsr-app:***@127.0.0.1:6379'];
const explain = (message: string, connection?: string) =>
  explainRedisError(new Error(message), AT, 'nsr-app', connection === undefined ? undefined : new Error(connection)) as Error & {
    code?: string;
  };

describe('explainRedisError', () => {
  it('says a wrong password is an authentication problem of that user, at the redacted endpoint', () => {
    expect(explain('WRONGPASS invalid username-password pair or user is disabled.')).toMatchObject({
      code: 'ACCESS_DENIED',
      message:
        'The redis registry at redis://nsr-app:***@127.0.0.1:6379 refused user "nsr-app" (invalid username-password pair). This is an authentication problem: check the backend\'s auth (username and password).',
    });
  });

  it('says a password is needed, and that an ACL refused a key', () => {
    expect(explain('NOAUTH Authentication required.').message).toContain('requires authentication (NOAUTH: authentication required)');
    expect(explain('NOPERM this user has no permissions to access one of the keys used as arguments').message).toContain(
      'denied user "nsr-app" access (NOPERM this user has no permissions',
    );
  });

  it("explains a command that found no connection by the connection's TLS error, else as not answering", () => {
    const noConnection = 'Reached the max retries per request limit (which is 0). Refer to "maxRetriesPerRequest" option for details.';
    expect(explain(noConnection, 'self-signed certificate in certificate chain').message).toContain(
      'failed (self-signed certificate in certificate chain). This is a TLS problem',
    );
    expect(explain(noConnection, 'connect ECONNREFUSED 127.0.0.1:6379')).toMatchObject({
      code: 'BACKEND_UNAVAILABLE',
      message: 'The redis registry at redis://nsr-app:***@127.0.0.1:6379 is not answering (no connection)',
    });
  });

  it('explains any failed command by sentinels that refuse their credentials', () => {
    const refused =
      'All sentinels are unreachable. Retrying from scratch after 100ms. Last error: WRONGPASS invalid username-password pair or user is disabled.';
    expect(explain('redis ping at sentinel://s1:26379/mymaster did not finish within 2000 ms', refused)).toMatchObject({
      code: 'ACCESS_DENIED',
      message: expect.stringMatching(/^The Redis sentinels of .* refused the credentials .* check the backend's sentinelAuth/),
    });
    expect(explain('x', 'All sentinels are unreachable. Retrying from scratch after 100ms. Last error: connect ECONNREFUSED').message).toBe(
      'x',
    );
  });

  it('returns every other error as it is', () => {
    const other = new Error('ERR unknown command');
    expect(explainRedisError(other, AT, 'nsr-app')).toBe(other);
  });
});
