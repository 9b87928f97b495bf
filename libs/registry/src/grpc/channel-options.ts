import type { Interceptor } from '@grpc/grpc-js';
import { invalidOption } from '../options/option-rules.js';
import { grpcJs } from './grpc-js.peer.js';
import { resendInterceptor } from './resend-interceptor.js';
import { ZONE_POLICY } from './zone-balancer.js';

/**
 * Retries of idempotent gRPC methods on another instance: gRPC's retry policy until the response
 * begins, then a client interceptor that sends a unary call again when its instance went away
 * between the response's headers and its status (gRPC's policy stops at the headers). @publicApi
 */
export interface GrpcRetryOptions {
  /** Fully qualified services whose methods may be retried, e.g. `['users.UserService']`. */
  services: readonly string[];
  /** Attempts in all, 2..5 (gRPC's cap). Default 3. */
  maxAttempts?: number;
  /** Status names that retry. Default `['UNAVAILABLE']` (the instance went away or could not take the call). */
  retryableStatusCodes?: readonly string[];
}

/** What {@link registryChannelOptions} takes. @publicApi */
export interface RegistryChannelOptionsInit {
  /** Retry policy for idempotent methods; none by default. */
  retry?: GrpcRetryOptions;
  /** Calls wait for a ready instance (up to their deadline) instead of failing at once while none is. Default `true`. */
  waitForReady?: boolean;
}

/** The numeric codes of gRPC status names, e.g. `['UNAVAILABLE']`; a bootstrap error naming the option otherwise. */
function statusCodes(names: readonly string[]): number[] {
  const codes: unknown[] = Array.isArray(names) ? names.map((name: string) => grpcJs.status[name]) : [];
  if (codes.length === 0 || codes.some((code) => typeof code !== 'number')) {
    invalidOption('retry.retryableStatusCodes', names, 'a non-empty array of gRPC status names, e.g. ["UNAVAILABLE"]');
  }
  return codes as number[];
}

/** Options of a gRPC client (Nest's `channelOptions`): channel options, and client interceptors with `retry`. @publicApi */
export interface RegistryChannelOptions {
  'grpc.service_config': string;
  interceptors?: Interceptor[];
}

/**
 * Channel options for a gRPC client dialing a registry target: the default service config with
 * `round_robin` across every address the resolver gives (within the module's `zone` first, by
 * Envoy's locality rule, when it has one), `waitForReady`,
 * and optionally a retry policy for idempotent methods. Pass it as `channelOptions` of a Nest
 * `ClientGrpc` or as the options of a plain grpc-js client. @publicApi
 */
export function registryChannelOptions(init: RegistryChannelOptionsInit = {}): RegistryChannelOptions {
  const waitForReady = init.waitForReady ?? true;
  const methodConfig: object[] = [];
  const interceptors: Interceptor[] = [];
  if (init.retry) {
    const { services, maxAttempts = 3, retryableStatusCodes = ['UNAVAILABLE'] }: GrpcRetryOptions = init.retry;
    const names = services; // typed: Array.isArray() below narrows `services` to any[]
    if (!Array.isArray(services) || services.length === 0 || services.some((s) => typeof s !== 'string' || s === '')) {
      invalidOption('retry.services', services, 'a non-empty array of fully qualified gRPC service names, e.g. ["users.UserService"]');
    }
    if (!Number.isInteger(maxAttempts) || maxAttempts < 2 || maxAttempts > 5)
      invalidOption('retry.maxAttempts', maxAttempts, 'an integer in 2..5');
    const codes = new Set(statusCodes(retryableStatusCodes));
    interceptors.push(resendInterceptor(grpcJs, { services: new Set(names), codes, maxAttempts }));
    methodConfig.push({
      name: names.map((service) => ({ service })),
      waitForReady,
      retryPolicy: { maxAttempts, initialBackoff: '0.02s', maxBackoff: '0.5s', backoffMultiplier: 2, retryableStatusCodes },
    });
  }
  methodConfig.push({ name: [{}], waitForReady });
  // The zone policy when RegistryGrpcModule registered it (round_robin without a zone), else round_robin.
  const serviceConfig = JSON.stringify({ loadBalancingConfig: [{ [ZONE_POLICY]: {} }, { round_robin: {} }], methodConfig });
  return interceptors.length > 0 ? { 'grpc.service_config': serviceConfig, interceptors } : { 'grpc.service_config': serviceConfig };
}
