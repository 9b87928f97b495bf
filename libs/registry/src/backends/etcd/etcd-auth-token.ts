import type { Etcd3 } from 'etcd3';
import { etcd3 } from './etcd3.peer.js';

/**
 * The parts of the `etcd3` 1.1 client that {@link renewAuthToken} touches (not public API; a unit
 * test checks that the installed version still has them).
 * @internal
 */
export interface Etcd3AuthInternals {
  pool?: { authenticator?: { invalidateMetadata?: () => void } };
  watchManager?: { state?: number; handleError?: (error: Error) => void };
}

/** etcd3's WatchManager state "Connected". */
const CONNECTED = 2;

/** Whether `error` says the client's auth token is no longer valid (expired, or lost in an etcd restart). @internal */
export function isAuthTokenError(error: unknown): boolean {
  if (error instanceof etcd3.EtcdInvalidAuthTokenError) return true;
  const message = error instanceof Error ? error.message : String(error);
  return /invalid auth token|auth token is expired|ErrInvalidAuthToken/i.test(message);
}

/**
 * Makes `client` authenticate again before its next call or stream. The client does this by
 * itself only for unary calls: streams (watches, keep-alives) keep the token they were opened
 * with, so after the token expires or etcd restarts every watch created on the shared watch stream
 * is refused and the stream's create queue stalls (issue 11, D1). With `restartWatchStream`, the
 * shared watch stream is also re-opened: every watcher on it reconnects with the new token.
 * @internal
 */
export function renewAuthToken(client: Etcd3, restartWatchStream: boolean, cause: unknown): void {
  const internals = client as unknown as Etcd3AuthInternals;
  internals.pool?.authenticator?.invalidateMetadata?.();
  const manager = internals.watchManager;
  if (restartWatchStream && manager?.state === CONNECTED) {
    manager.handleError?.(cause instanceof Error ? cause : new Error(String(cause)));
  }
}
