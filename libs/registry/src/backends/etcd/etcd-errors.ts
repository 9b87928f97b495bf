import { BackendUnavailableError, RegistryError } from '../../errors/registry.error.js';
import { MESSAGES } from '../../registry.messages.js';
import { tlsFailure } from '../access-errors.js';

const NOT_AUTHENTICATED = /user name is empty/i;
const AUTH_FAILED = /authentication failed|invalid user ID or password|authentication is not enabled/i;
const PERMISSION_DENIED = /permission denied/i;
/** etcd3's errors for "no server answered" (its classes have no `name` of their own). */
const UNREACHABLE = new Set(['GRPCUnavailableError', 'GRPCConnectFailedError', 'GRPCDeadlineExceededError']);

/**
 * Turns an etcd error that is a TLS, authentication or permission problem into a
 * `RegistryError` (`ACCESS_DENIED`) saying which, naming the endpoints and the user (never the
 * password), so logs and health details do not send the operator looking for a network fault.
 * etcd3's "no server answered" errors become a `BackendUnavailableError` with the same message.
 * Any other error is returned as it is.
 * @internal
 */
export function explainEtcdError(error: unknown, endpoints: readonly string[], username: string | undefined): unknown {
  if (error instanceof RegistryError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const tls = tlsFailure(message);
  let explained: string | undefined;
  if (tls) explained = MESSAGES.accessTls('etcd', endpoints, tls);
  else if (NOT_AUTHENTICATED.test(message)) explained = MESSAGES.accessAuth('etcd', endpoints, undefined, 'user name is empty');
  else if (AUTH_FAILED.test(message))
    explained = MESSAGES.accessAuth('etcd', endpoints, username, AUTH_FAILED.exec(message)?.[0] ?? message);
  else if (PERMISSION_DENIED.test(message)) explained = MESSAGES.accessDenied('etcd', endpoints, username, 'permission denied');
  if (explained !== undefined) return new RegistryError(explained, 'ACCESS_DENIED', { cause: error });
  if (error instanceof Error && UNREACHABLE.has(error.constructor.name)) return new BackendUnavailableError(message, { cause: error });
  return error;
}
