import { Injectable, Optional } from '@nestjs/common';
import { outcomeOf, RegistryMetrics } from '../metrics/registry-metrics.js';
import { MESSAGES } from '../registry.messages.js';
import type { CallAttempt } from '../errors/registry.error.js';
import { AttemptFailed, callFailure, chooseUntried, failover, unknownOutcome } from '../discovery/call-attempts.js';
import type { ServiceInstance } from '../model/index.js';
import { DEFAULTS } from '../registry.constants.js';
import { DiscoveryClient } from '../discovery/discovery-client.js';
import type { LoadBalancingStrategy } from '../discovery/load-balancer.js';
import { milliseconds, retriesOption } from '../options/option-rules.js';
import { failureKind, isIdempotent, originOf, RETRYABLE_STATUSES } from './http-retry.js';
import type { VersionSplit } from '../discovery/version-split.js';
import { checkedChoice, withCurrentTag } from '../discovery/call-choice.js';
import { withTagHeader } from '../traffic/registry-tag.js';

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
  /** The zone to prefer; default: the module's `zone`; `null`: none. */
  zone?: string | null;
  /** Slow start, milliseconds; default: the module's `warmup`. */
  warmup?: number;
  /** Tag routing: default the current request's tag (`RegistryTagInterceptor`); sent on as the `x-registry-tag` header. */
  tag?: string;
  /** With `tag`: no fallback to untagged instances. Default `false`. */
  forceTag?: boolean;
  /** A version split instead of `version`, e.g. `{ '1.0': 90, '2.0': 10 }`. */
  versions?: VersionSplit;
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
 * - Every attempt feeds `DiscoveryClient.track()`, so `strategy: 'p2c'` prefers fast instances;
 *   a 5xx answer counts as a failure there and toward outlier detection's streak.
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
    const choice = withCurrentTag(checkedChoice({ version, group: options.group, strategy: options.strategy, protocol: 'http' }, options));
    const loading = this.discovery.whenLoaded(service, choice);
    if (loading) await loading;
    if (choice.tag !== undefined) init = withTagHeader(init, choice.tag);
    return failover(
      {
        retries,
        choose: (tried) => chooseUntried(this.discovery, service, choice, tried),
        attempt: (instance) => this.attempt(service, instance, path, init, options.scheme, timeout, retryAny),
        failed: (instance) => this.discovery.reportFailure(instance),
        failure: (failed) => callFailure(service, choice, failed),
      },
      attempts,
    );
  }

  /** One request to one instance: its response, or an `AttemptFailed` saying whether another instance may be tried. */
  private async attempt(
    service: string,
    instance: ServiceInstance,
    path: string,
    init: RequestInit,
    scheme: HttpCallOptions['scheme'],
    timeout: number,
    retryAny: boolean,
  ): Promise<Response> {
    const tracked = this.discovery.track(instance);
    const attempt = new AbortController();
    const timer = setTimeout(() => attempt.abort(new Error(MESSAGES.timeout(`HTTP ${service}`, timeout))), timeout);
    const signal = init.signal ? AbortSignal.any([init.signal, attempt.signal]) : attempt.signal;
    let response: Response;
    try {
      response = await fetch(`${originOf(instance, scheme)}${path}`, { ...init, signal });
    } catch (error) {
      if (init.signal?.aborted) throw error; // the caller gave up: not the instance's fault
      const cause: unknown = attempt.signal.aborted ? attempt.signal.reason : error;
      tracked.failed();
      // Sent, then lost or timed out: it may have been processed, so only an idempotent method goes again.
      const end = !retryAny && failureKind(error) === 'maybe-delivered' ? unknownOutcome(service, instance, cause) : undefined;
      throw new AttemptFailed(cause, end);
    } finally {
      clearTimeout(timer);
    }
    if (!RETRYABLE_STATUSES.has(response.status)) {
      if (response.status >= 500) tracked.failed();
      else tracked.succeeded();
      return response;
    }
    tracked.failed(); // a retried status, or (not idempotent, not retried) one p2c should know about
    if (!retryAny) return response;
    await response.body?.cancel();
    throw new AttemptFailed(new Error(`HTTP ${response.status}`));
  }
}
