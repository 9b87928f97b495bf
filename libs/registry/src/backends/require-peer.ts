import { createRequire } from 'node:module';
import { RegistryError } from '../errors/registry.error.js';
import { MESSAGES } from '../registry.messages.js';

const requireHere = createRequire(import.meta.url);

/** Whether `error` says that `packageName` itself (not one of its own dependencies) cannot be found. */
function isMissing(error: unknown, packageName: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 'MODULE_NOT_FOUND' && typeof message === 'string' && message.startsWith(`Cannot find module '${packageName}'`);
}

/**
 * Loads the client library of an optional backend (each is a CommonJS package, so synchronously,
 * when the backend's entry point is imported). When it is not installed, throws a
 * `RegistryError` (`MISSING_DEPENDENCY`) that names the package and the install command, instead
 * of Node's bare "Cannot find module". Other load errors are thrown as they are.
 * @param needs who needs it, for the message, e.g. `The etcd backend (nest-service-registry/etcd)`
 * @internal
 */
export function requirePeer<T>(packageName: string, needs: string, load: (id: string) => unknown = requireHere): T {
  try {
    return load(packageName) as T;
  } catch (error) {
    if (isMissing(error, packageName)) {
      throw new RegistryError(MESSAGES.missingPeer(packageName, needs), 'MISSING_DEPENDENCY', { cause: error });
    }
    throw error;
  }
}
