import type { OnApplicationShutdown } from '@nestjs/common';
import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { combineLatest, Observable, type Subscription } from 'rxjs';
import { MESSAGES } from '../registry.messages.js';
import { RegistryClosedError, type CallAttempt } from '../errors/registry.error.js';
import { AttemptFailed, callFailure, chooseUntried, failover, unknownOutcome } from '../discovery/call-attempts.js';
import type { ServiceInstance } from '../model/index.js';
import type { DiscoveryClient } from '../discovery/discovery-client.js';
import { withCurrentTag } from '../discovery/call-choice.js';
import { versionsOf } from '../discovery/selection.js';
import { failoverRequest, type FailoverHost } from './failover-request.js';
import type { ResolvedClientOptions } from './registry-client.options.js';
import { outcomeOf, RegistryMetrics } from '../metrics/registry-metrics.js';
import { InstanceConnection, TcpConnectionPool } from './tcp-connection-pool.js';

/**
 * A Nest `ClientProxy` whose calls go to the live `tcp` instances of one registered service: used
 * exactly like Nest's own (`firstValueFrom(client.send(pattern, data))`, `emit`, RxJS `timeout`).
 * Each call picks an instance from the `DiscoveryClient` cache (no registry I/O per call) and uses
 * one pooled connection per instance (Nest's `ClientTCP`), opened on first use, closed when the
 * instance fails, and closed once its calls in flight have answered when the instance leaves the
 * registry (a deploy cuts no call). Calls that were never delivered fail over to another instance
 * (see `RegistryClientOptions.retries` and `idempotent`); a call that was written and then lost
 * fails with `CallOutcomeUnknownError` unless its pattern is idempotent. Provided by
 * `RegistryClientsModule`. @publicApi
 */
export class RegistryClientProxy extends ClientProxy implements OnApplicationShutdown {
  private readonly pool: TcpConnectionPool<InstanceConnection>;
  private readonly host: FailoverHost;
  private membership: Subscription | undefined;
  private loading: Promise<unknown> | undefined;
  /** Set once the first load succeeded: calls then publish at once (see {@link send}). */
  private loaded = false;
  private closed = false;

  constructor(
    private readonly discovery: DiscoveryClient,
    private readonly options: ResolvedClientOptions,
    private readonly metrics: RegistryMetrics = new RegistryMetrics(),
  ) {
    super();
    this.pool = new TcpConnectionPool(options, (instance) => new InstanceConnection(instance, options));
    this.host = {
      retries: options.retries,
      idempotent: options.idempotent,
      choose: (tried) => this.choose(tried),
      track: (instance) => discovery.track(instance),
      connect: (instance) => this.pool.connect(instance),
      ready: (instance) => this.pool.ready(instance),
      eject: (instance) => this.eject(instance),
      failure: (attempts) => this.failure(attempts),
      unknownOutcome: (instance, error) => unknownOutcome(options.service, instance, error),
    };
  }

  /** `host:port` of each open connection: one per instance called so far, still registered and not failed. */
  get connections(): readonly string[] {
    return Object.freeze(this.pool.addresses());
  }

  /** Loads the service into the discovery cache (once) and follows its membership. Called before every call: cheap once loaded. */
  connect(): Promise<unknown> {
    if (this.closed) return Promise.reject(new RegistryClosedError(MESSAGES.closed(`call to ${this.options.service}`)));
    if (!this.loading) {
      const { service, group, choice } = this.options;
      const versions = versionsOf(choice);
      // A failed first read ends the watch; the next call subscribes again (never twice at once).
      if (!this.membership || this.membership.closed)
        this.membership = combineLatest(
          versions.map((version) => this.discovery.watch(service, { version, group, protocol: 'tcp' })),
        ).subscribe({
          next: (live) => this.pool.retain(live.flat()),
          error: () => undefined, // a failed first read is reported by the load below
        });
      this.loading = Promise.all(versions.map((version) => this.discovery.getInstances(service, { version }))).then((lists) =>
        lists.flat(),
      );
      this.loading.then(
        () => (this.loaded = true),
        () => (this.loading = undefined), // the next call tries again
      );
    }
    return this.loading;
  }

  /**
   * Nest's `send()`, minus its `connect()` round trip once the service is loaded: the call is
   * published when subscribed, with no promise, microtask or `mergeMap` per call. Before the first
   * load, and after `close()`, it is Nest's own.
   */
  override send<TResult = unknown, TInput = unknown>(pattern: unknown, data: TInput): Observable<TResult> {
    if (!this.loaded || this.closed || pattern === undefined || pattern === null || data === undefined || data === null)
      return super.send(pattern, data);
    return new Observable<TResult>((observer) => this.publish(this.packetOf(pattern, data), this.createObserver(observer)));
  }

  /** Nest's packet of a call, with its dispatch hook (`createPacket`, Nest ≥ 12.1); `{ pattern, data }` before. */
  private packetOf(pattern: unknown, data: unknown): ReadPacket {
    // Typed as always there by the installed Nest; absent from 12.0.
    return (this.createPacket as typeof this.createPacket | undefined) === undefined ? { pattern, data } : this.createPacket(pattern, data);
  }

  /** Closes every pooled connection and stops following the service. */
  close(): void {
    this.closed = true;
    this.membership?.unsubscribe();
    this.pool.close();
  }

  onApplicationShutdown(): void {
    this.close();
  }

  /** The connection pool (Nest's `unwrap()` returns a client's underlying transport). */
  unwrap<T>(): T {
    return this.pool as T;
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    if (!this.metrics.recording) return failoverRequest(this.host, packet, callback); // nothing to time: no wrapper per call
    const done = this.metrics.startCall(this.options.service, 'tcp');
    return failoverRequest(this.host, packet, (reply, failedAttempts) => {
      if (reply.err !== undefined && reply.err !== null) done(outcomeOf(reply.err, failedAttempts));
      else if (reply.isDisposed) done(outcomeOf(undefined, failedAttempts));
      callback(reply);
    });
  }

  /** Writes an event to one instance; one that cannot be reached is ejected and another tried. */
  protected dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    return failover({
      retries: this.options.retries,
      choose: (tried) => this.choose(tried),
      attempt: async (instance) => {
        try {
          const connection = await this.pool.connect(instance);
          return (await connection.event(packet)) as T;
        } catch (error) {
          throw new AttemptFailed(error);
        }
      },
      failed: (instance) => this.eject(instance),
      failure: (attempts) => this.failure(attempts),
    });
  }

  private choose(tried: ReadonlySet<string>): ServiceInstance | undefined {
    return chooseUntried(this.discovery, this.options.service, withCurrentTag(this.options.choice), tried);
  }

  private eject(instance: ServiceInstance): void {
    this.discovery.reportFailure(instance);
    this.pool.drop(instance);
  }

  private failure(attempts: readonly CallAttempt[]): Error {
    return callFailure(this.options.service, withCurrentTag(this.options.choice), attempts);
  }
}
