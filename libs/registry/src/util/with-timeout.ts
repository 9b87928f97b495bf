import { RegistryTimeoutError } from '../errors/registry.error.js';
import { MESSAGES } from '../registry.messages.js';

/**
 * Resolves or rejects like `promise`, or rejects with a `RegistryTimeoutError` after `ms`.
 * The timer is always cleared, so it never keeps the process alive.
 * @internal
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RegistryTimeoutError(MESSAGES.timeout(what, ms))), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A promise that resolves after `ms`. @internal */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
