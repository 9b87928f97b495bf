import { BackendUnavailableError, RegistryError } from '../../errors/registry.error.js';
import { MESSAGES } from '../../registry.messages.js';
import { tlsFailure } from '../access-errors.js';

/**
 * Turns a Redis error that is a TLS, authentication or ACL problem into a `RegistryError`
 * (`ACCESS_DENIED`) that says which, naming the endpoint (password redacted) and the user; and
 * ioredis' "max retries per request" (what a command gets while Redis is down) into "not
 * answering". A command that failed for want of a connection is explained by `connectionError`,
 * the connection's last error, when there is one (a TLS failure shows only there); under
 * Sentinel, sentinels refusing their credentials explain any failed command. Any other error is
 * returned as it is.
 * @internal
 */
export function explainRedisError(error: unknown, endpoints: readonly string[], username: string, connectionError?: Error): unknown {
  // Under Sentinel, commands queue while every sentinel refuses its credentials: explain the wait.
  const sentinels = connectionError && /^All sentinels are unreachable.*Last error: (.*)$/s.exec(connectionError.message);
  if (sentinels && /WRONGPASS|NOAUTH|NOPERM/.test(sentinels[1]!))
    return new RegistryError(MESSAGES.sentinelAuth(endpoints, sentinels[1]!), 'ACCESS_DENIED', { cause: error });
  if (error instanceof RegistryError) return error;
  const text = error instanceof Error ? error.message : String(error);
  const message = connectionError && /max retries per request|Connection is closed/i.test(text) ? connectionError.message : text;
  const tls = tlsFailure(message);
  let explained: string | undefined;
  if (tls) explained = MESSAGES.accessTls('redis', endpoints, tls);
  else if (/^WRONGPASS/.test(message)) explained = MESSAGES.accessAuth('redis', endpoints, username, 'invalid username-password pair');
  else if (/^NOAUTH/.test(message)) explained = MESSAGES.accessAuth('redis', endpoints, undefined, 'NOAUTH: authentication required');
  else if (/^NOPERM/.test(message)) explained = MESSAGES.accessDenied('redis', endpoints, username, message);
  if (explained !== undefined) return new RegistryError(explained, 'ACCESS_DENIED', { cause: error });
  if (/max retries per request|Connection is closed/i.test(text)) {
    return new BackendUnavailableError(MESSAGES.notAnswering('redis', endpoints), { cause: error });
  }
  return error;
}
