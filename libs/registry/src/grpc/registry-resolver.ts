import type { ChannelOptions, experimental, StatusObject } from '@grpc/grpc-js';
import type { Subscription } from 'rxjs';
import type { DiscoveryClient } from '../discovery/discovery-client.js';
import { serviceKey, type ServiceInstance } from '../model/index.js';
import { parseTargetPath, type RegistryTargetService } from './grpc-target.js';
import { LOCAL_ADDRESSES } from './zone-balancer.js';

/** The parts of `@grpc/grpc-js` the resolver uses (the package itself, loaded by the entry point). @internal */
export interface GrpcResolverApi {
  readonly status: { readonly UNAVAILABLE: number };
  readonly Metadata: new () => StatusObject['metadata'];
  readonly experimental: Pick<
    typeof experimental,
    'registerResolver' | 'statusOrFromValue' | 'statusOrFromError' | 'subchannelAddressToString'
  >;
}

/** Least time between two re-sends of an unchanged address list. */
const RESEND_INTERVAL_MS = 1_000;

/** The address list gRPC balances over: one endpoint per instance. @internal */
export function toEndpoints(instances: readonly ServiceInstance[]): experimental.Endpoint[] {
  return instances.map((i) => ({ addresses: [{ host: i.serviceHost, port: i.servicePort }] }));
}

/**
 * A grpc-js name resolver class fed by `discovery`: a channel to `<scheme>:///<name>:<version>`
 * gets the `UP` instances of that service whose protocol is `grpc`, and every change of them as
 * it happens (`DiscoveryClient.watch`: the cache's registry watch, no polling). gRPC's load
 * balancing policy (the service config's) balances over them and reconnects as they change. With
 * a `zone`, the addresses of that zone are marked for the zone policy (`zone-balancer.ts`). @internal
 */
export function createRegistryResolver(
  grpc: GrpcResolverApi,
  discovery: DiscoveryClient,
  zone: string | null = null,
): Parameters<typeof experimental.registerResolver>[1] {
  const unavailable = (details: string) =>
    grpc.experimental.statusOrFromError<experimental.Endpoint[]>({ code: grpc.status.UNAVAILABLE, details, metadata: new grpc.Metadata() });

  return class RegistryResolver implements experimental.Resolver {
    private readonly service: RegistryTargetService | Error;
    private subscription: Subscription | undefined;
    private latest: readonly ServiceInstance[] | undefined;
    private reportedAt = 0;
    /** Bumped by destroy(): results of an earlier subscription are dropped. */
    private generation = 0;

    constructor(
      target: { path: string },
      private readonly listener: experimental.ResolverListener,
      _options: ChannelOptions,
    ) {
      try {
        this.service = parseTargetPath(target.path);
      } catch (error) {
        this.service = error as Error;
      }
    }

    /** The `:authority` of calls: the service name. */
    static getDefaultAuthority(target: { path: string }): string {
      return parseTargetPath(target.path).serviceName;
    }

    updateResolution(): void {
      const service = this.service;
      if (service instanceof Error) {
        this.deliver(() => this.listener(unavailable(service.message), {}, null, ''));
        return;
      }
      if (this.subscription && !this.subscription.closed) {
        // The watch already pushes every change. A balancer whose instance failed asks again and
        // again; answering each at once with the same list would spin (seen: a microtask loop that
        // starved the event loop), so the latest list is re-sent at most once per second.
        const latest = this.latest;
        if (latest && Date.now() - this.reportedAt >= RESEND_INTERVAL_MS) this.deliver(() => this.report(latest));
        return;
      }
      const generation = this.generation;
      this.subscription = discovery.watch(service.serviceName, { version: service.serviceVersion, protocol: 'grpc' }).subscribe({
        next: (instances) => {
          this.latest = instances;
          this.deliver(() => this.report(instances), generation);
        },
        // The subscription is closed now: the channel calls updateResolution() again (with backoff), which re-subscribes.
        error: (error: unknown) =>
          this.deliver(() => this.listener(unavailable(error instanceof Error ? error.message : String(error)), {}, null, ''), generation),
      });
    }

    destroy(): void {
      this.generation++;
      this.subscription?.unsubscribe();
      this.subscription = undefined;
      this.latest = undefined;
    }

    /** Calls the listener later (never inside the constructor or updateResolution, as grpc-js requires), unless destroyed since. */
    private deliver(callback: () => void, generation = this.generation): void {
      queueMicrotask(() => {
        if (generation === this.generation) callback();
      });
    }

    private report(instances: readonly ServiceInstance[]): void {
      const { serviceName, serviceVersion } = this.service as RegistryTargetService;
      this.reportedAt = Date.now();
      const note = instances.length === 0 ? `no UP gRPC instance of ${serviceKey(serviceName, serviceVersion)} in the registry` : '';
      const attributes =
        zone === null
          ? {}
          : {
              [LOCAL_ADDRESSES]: new Set(
                instances
                  .filter((i) => i.zone === zone)
                  .map((i) => grpc.experimental.subchannelAddressToString({ host: i.serviceHost, port: i.servicePort })),
              ),
            };
      this.listener(grpc.experimental.statusOrFromValue(toEndpoints(instances)), attributes, null, note);
    }
  };
}
