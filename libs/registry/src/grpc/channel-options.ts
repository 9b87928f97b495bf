import { invalidOption } from '../options/resolve-options.js';

/** Transparent retries of idempotent gRPC methods on another instance. @publicApi */
export interface GrpcRetryOptions {
  /** Fully qualified services whose methods may be retried, e.g. `['users.UserService']`. */
  services: readonly string[];
  /** Attempts in all, 2..5 (gRPC's cap). Default 3. */
  maxAttempts?: number;
  /** Status names that retry. Default `['UNAVAILABLE']` (the instance went away; the call did not run there). */
  retryableStatusCodes?: readonly string[];
}

/** What {@link registryChannelOptions} takes. @publicApi */
export interface RegistryChannelOptionsInit {
  /** Retry policy for idempotent methods; none by default. */
  retry?: GrpcRetryOptions;
  /** Calls wait for a ready instance (up to their deadline) instead of failing at once while none is. Default `true`. */
  waitForReady?: boolean;
}

/**
 * Channel options for a gRPC client dialing a registry target: the default service config with
 * `round_robin` (gRPC's own policy, across every address the resolver gives), `waitForReady`,
 * and optionally a retry policy for idempotent methods. Pass it as `channelOptions` of a Nest
 * `ClientGrpc` or as the options of a plain grpc-js client. @publicApi
 */
export function registryChannelOptions(init: RegistryChannelOptionsInit = {}): { 'grpc.service_config': string } {
  const waitForReady = init.waitForReady ?? true;
  const methodConfig: object[] = [];
  if (init.retry) {
    const { services, maxAttempts = 3, retryableStatusCodes = ['UNAVAILABLE'] }: GrpcRetryOptions = init.retry;
    const names = services; // typed: Array.isArray() below narrows `services` to any[]
    if (!Array.isArray(services) || services.length === 0 || services.some((s) => typeof s !== 'string' || s === '')) {
      invalidOption('retry.services', services, 'a non-empty array of fully qualified gRPC service names, e.g. ["users.UserService"]');
    }
    if (!Number.isInteger(maxAttempts) || maxAttempts < 2 || maxAttempts > 5)
      invalidOption('retry.maxAttempts', maxAttempts, 'an integer in 2..5');
    methodConfig.push({
      name: names.map((service) => ({ service })),
      waitForReady,
      retryPolicy: { maxAttempts, initialBackoff: '0.02s', maxBackoff: '0.5s', backoffMultiplier: 2, retryableStatusCodes },
    });
  }
  methodConfig.push({ name: [{}], waitForReady });
  return { 'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }], methodConfig }) };
}
