import { Injectable, Optional } from '@nestjs/common';
import { outcomeOf, RegistryMetrics } from '../metrics/registry-metrics.js';
import { MESSAGES } from '../registry.messages.js';
import type { CallAttempt } from '../errors/registry.error.js';
import { attemptOf, callFailure, chooseUntried, unknownOutcome } from '../discovery/call-attempts.js';
import { DEFAULTS } from '../registry.constants.js';
import { DiscoveryClient } from '../discovery/discovery-client.js';
import type { LoadBalancingStrategy } from '../discovery/load-balancer.js';
import { milliseconds, retriesOption } from '../options/option-rules.js';
import { failureKind, isIdempotent, originOf, RETRYABLE_STATUSES } from './http-retry.js';

/** How {@link RegistryHttpClient.fetch} picks and retries. Every field is optional. @publicApi */
export interface HttpCallOptions {
  /** Service version; default `"1.0"`. */
  version?: string;
  group?: string;
  /** Default `round-robin`; `p2c` learns from every attempt. */
  strategy?: Exclude<LoadBalancingStrategy, 'consistent-hash'>;
  /** Other instances to try after a failed attempt (see the class doc for which): an integer in 0..10. Default 2. */
  retries?: number;
  /** Milliseconds (> 0) each attempt may take until the response headers arrive. Default 5000. */
  timeout?: number;
  /** URL scheme; default `http`. */
  scheme?: 'http' | 'https';
}

/**
 * A load-balanced HTTP client on Node's own `fetch`, over the `http` instances of a registered
 * service: `fetch('user-service', '/users/1', init)` returns the `Response` of one instance.
 *
 * - Each attempt has its own timeout (until the headers arrive); the caller's `init.signal` is
 *   honoured and an aborted call is never retried.
 * - A request that never reached an instance (connection refused, connect timeout) is retried
 *   on another one for any method; one lost after connecting, timed out, or answered 502/503/504
 *   is retried only for idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE). Never the same
 *   instance twice; each such instance is reported (`reportFailure`: ejected for a while).
 * - Every attempt feeds `DiscoveryClient.track()`, so `strategy: 'p2c'` prefers fast instances.
 * - No instance: `NoInstancesError`; every attempt failed: `CallFailedError` listing them. Any
 *   other status (4xx, 500...) is the caller's to read, as with `fetch`. An invalid `retries` or
 *   `timeout` rejects with a `RegistryOptionsError` naming it, before anything is sent.
 * @publicApi
 */
@Injectable()
export class RegistryHttpClient {
  constructor(
    private readonly discovery: DiscoveryClient,
    @Optional() private readonly metrics: RegistryMetrics = new RegistryMetrics(),
  ) {}

  async fetch(service: string, path: string, init: RequestInit = {}, options: HttpCallOptions = {}): Promise<Response> {
    const done = this.metrics.startCall(service, 'http');
    const attempts: CallAttempt[] = [];
    try {
      const response = await this.send(service, path, init, options, attempts);
      done(outcomeOf(undefined, attempts.length));
      return response;
    } catch (error) {
      done(init.signal?.aborted ? 'failed' : outcomeOf(error));
      throw error;
    }
  }

  private async send(
    service: string,
    path: string,
    init: RequestInit,
    options: HttpCallOptions,
    attempts: CallAttempt[],
  ): Promise<Response> {
    const version = options.version ?? DEFAULTS.serviceVersion;
    const retries = retriesOption('retries', options.retries, 2);
    const timeout = milliseconds('timeout', options.timeout, 5000);
    const retryAny = isIdempotent(init.method);
    await this.discovery.getInstances(service, { version });
    const tried = new Set<string>();
    for (;;) {
      const instance = chooseUntried(
        this.discovery,
        service,
        { version, group: options.group, strategy: options.strategy, protocol: 'http' },
        tried,
      );
      if (!instance) throw this.failure(service, version, attempts);
      tried.add(instance.id);
      const tracked = this.discovery.track(instance);
      const failed = (error: unknown): void => {
        tracked.failed();
        this.discovery.reportFailure(instance);
        attempts.push(attemptOf(instance, error));
      };
      const attempt = new AbortController();
      const timer = setTimeout(() => attempt.abort(new Error(MESSAGES.timeout(`HTTP ${service}`, timeout))), timeout);
      const signal = init.signal ? AbortSignal.any([init.signal, attempt.signal]) : attempt.signal;
      let response: Response;
      try {
        response = await fetch(`${originOf(instance, options.scheme)}${path}`, { ...init, signal });
      } catch (error) {
        if (init.signal?.aborted) throw error; // the caller gave up: not the instance's fault
        const cause: unknown = attempt.signal.aborted ? attempt.signal.reason : error;
        failed(cause);
        // Sent, then lost or timed out: it may have been processed, so only an idempotent method goes again.
        if (!retryAny && failureKind(error) === 'maybe-delivered') throw unknownOutcome(service, instance, cause);
        if (attempts.length <= retries) continue;
        throw this.failure(service, version, attempts);
      } finally {
        clearTimeout(timer);
      }
      if (!RETRYABLE_STATUSES.has(response.status)) {
        tracked.succeeded();
        return response;
      }
      if (!retryAny) {
        tracked.failed(); // not retried (not idempotent), but p2c should know
        return response;
      }
      await response.body?.cancel();
      failed(new Error(`HTTP ${response.status}`));
      if (attempts.length > retries) throw this.failure(service, version, attempts);
    }
  }

  private failure(service: string, version: string, attempts: readonly CallAttempt[]): Error {
    return callFailure(service, version, 'http', attempts);
  }
}
