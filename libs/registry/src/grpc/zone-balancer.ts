import type { ChannelOptions, connectivityState as ConnectivityStates, experimental } from '@grpc/grpc-js';
import { zoneShare } from '../discovery/zone-preference.js';

type ConnectivityState = (typeof ConnectivityStates)[keyof typeof ConnectivityStates];

/** The load balancing policy's name in a service config. @internal */
export const ZONE_POLICY = 'registry_zone_preference';
/** How long calls wait for the zone's first connections before the other zones take them, milliseconds. @internal */
export const ZONE_FAILOVER_MS = 1_000;
/** The resolver attribute (merged into the policy's channel options) listing this zone's addresses (`host:port`). @internal */
export const LOCAL_ADDRESSES = 'nest-service-registry.local_addresses';

/** The parts of `@grpc/grpc-js` the policy uses. @internal */
export interface GrpcBalancerApi {
  readonly connectivityState: typeof ConnectivityStates;
  readonly experimental: Pick<
    typeof experimental,
    | 'ChildLoadBalancerHandler'
    | 'createChildChannelControlHelper'
    | 'parseLoadBalancingConfig'
    | 'registerLoadBalancerType'
    | 'isLoadBalancerNameRegistered'
    | 'subchannelAddressToString'
    | 'statusOrFromValue'
    | 'QueuePicker'
  >;
}

interface Child {
  readonly handler: experimental.ChildLoadBalancerHandler;
  state: ConnectivityState;
  picker: experimental.Picker | undefined;
  error: string | null;
}

class ZonePreferenceConfig implements experimental.TypedLoadBalancingConfig {
  getLoadBalancerName(): string {
    return ZONE_POLICY;
  }
  toJsonObject(): object {
    return { [ZONE_POLICY]: {} };
  }
  static createFromJson(): ZonePreferenceConfig {
    return new ZonePreferenceConfig();
  }
}

/**
 * Registers (once per process) the gRPC load balancing policy of zones: Envoy's locality rule
 * with two priorities, like `preferZone` for the other clients. The resolver marks which addresses
 * are in the consumer's zone; each priority is a `round_robin` child, so the other zones' channels
 * are connected and ready to take calls at once. A call goes to this zone with probability
 * `min(1, 1.4 × healthy / total)` of its addresses (healthy: not failed to connect), otherwise to the others;
 * to whichever priority is ready when only one is, except that calls wait up to
 * `ZONE_FAILOVER_MS` for the zone's first connections (gRPC's priority failover timer) unless they
 * fail. Without marked addresses (no zone), or when every address is in one priority: one
 * `round_robin` over all, exactly as without the policy. @internal
 */
export function registerZonePolicy(grpc: GrpcBalancerApi): void {
  const { experimental: x, connectivityState: STATE } = grpc;
  if (x.isLoadBalancerNameRegistered(ZONE_POLICY)) return;
  const roundRobin = x.parseLoadBalancingConfig({ round_robin: {} });

  class ZonePreferenceBalancer implements experimental.LoadBalancer {
    private readonly local: Child;
    private readonly remote: Child;
    /** The latest state of each local subchannel, by address. */
    private readonly localStates = new Map<string, ConnectivityState>();
    private localAddresses = new Set<string>();
    private split = false;
    /** Since when the zone's channels are first connecting (gRPC's priority failover timer); 0 once they were ready. */
    private connectingSince = 0;
    private failoverTimer: NodeJS.Timeout | undefined;

    constructor(private readonly helper: experimental.ChannelControlHelper) {
      this.local = this.child(true);
      this.remote = this.child(false);
    }

    updateAddressList(
      endpoints: experimental.StatusOr<experimental.Endpoint[]>,
      _config: experimental.TypedLoadBalancingConfig,
      options: ChannelOptions,
      note: string,
    ): boolean {
      const marked = options[LOCAL_ADDRESSES] as ReadonlySet<string> | undefined;
      const key = (e: experimental.Endpoint) => (e.addresses[0] ? x.subchannelAddressToString(e.addresses[0]) : '');
      const inZone = endpoints.ok && marked ? endpoints.value.filter((e) => marked.has(key(e))) : [];
      const wasSplit = this.split;
      this.split = endpoints.ok && inZone.length > 0 && inZone.length < endpoints.value.length;
      if (this.split && !wasSplit) this.connectingSince = Date.now();
      if (!this.split || !endpoints.ok) {
        this.localAddresses = new Set();
        this.remote.handler.destroy();
        this.remote.state = STATE.IDLE;
        return this.local.handler.updateAddressList(endpoints, roundRobin, options, note);
      }
      this.localAddresses = new Set(inZone.map(key));
      for (const address of this.localStates.keys()) if (!this.localAddresses.has(address)) this.localStates.delete(address); // left the zone
      const others = endpoints.value.filter((e) => !this.localAddresses.has(key(e)));
      this.local.handler.updateAddressList(x.statusOrFromValue(inZone), roundRobin, options, note);
      this.remote.handler.updateAddressList(x.statusOrFromValue(others), roundRobin, options, note);
      return true;
    }

    exitIdle(): void {
      this.local.handler.exitIdle();
      if (this.split) this.remote.handler.exitIdle();
    }

    resetBackoff(): void {
      this.local.handler.resetBackoff();
      this.remote.handler.resetBackoff();
    }

    destroy(): void {
      clearTimeout(this.failoverTimer);
      this.local.handler.destroy();
      this.remote.handler.destroy();
    }

    getTypeName(): string {
      return ZONE_POLICY;
    }

    private child(local: boolean): Child {
      const child: Child = { handler: undefined as never, state: STATE.IDLE, picker: undefined, error: null };
      const helper = x.createChildChannelControlHelper(this.helper, {
        updateState: (state, picker, error) => {
          Object.assign(child, { state, picker, error });
          this.publish();
        },
        createSubchannel: (address, args) => {
          const subchannel = this.helper.createSubchannel(address, args);
          if (local) subchannel.addConnectivityStateListener((s, _previous, state) => this.localStates.set(s.getAddress(), state));
          return subchannel;
        },
      });
      return Object.assign(child, { handler: new x.ChildLoadBalancerHandler(helper) });
    }

    /**
     * Whether calls wait for the zone's first connections (gRPC's priority failover timer): while
     * they are still connecting for the first time, up to `ZONE_FAILOVER_MS`, unless they failed.
     */
    private awaitingZone(): boolean {
      if (this.connectingSince === 0 || this.local.state === STATE.TRANSIENT_FAILURE) return false;
      const left = this.connectingSince + ZONE_FAILOVER_MS - Date.now();
      if (left <= 0) return false;
      clearTimeout(this.failoverTimer);
      this.failoverTimer = setTimeout(() => this.publish(), left).unref();
      return true;
    }

    /** The channel's state and picker from both priorities. */
    private publish(): void {
      const { local, remote } = this;
      const pickerOf = (child: Child) => child.picker ?? new x.QueuePicker(this);
      if (local.state === STATE.READY) this.connectingSince = 0;
      if (!this.split || remote.state !== STATE.READY || this.awaitingZone())
        return this.helper.updateState(local.state, pickerOf(local), local.error);
      if (local.state !== STATE.READY) return this.helper.updateState(remote.state, pickerOf(remote), remote.error);
      // Healthy: every zone address but those whose connection failed (one still connecting is not unhealthy).
      let healthy = 0;
      for (const address of this.localAddresses) if (this.localStates.get(address) !== STATE.TRANSIENT_FAILURE) healthy++;
      const share = zoneShare(Math.max(healthy, 1), this.localAddresses.size);
      const [near, far] = [pickerOf(local), pickerOf(remote)];
      this.helper.updateState(STATE.READY, { pick: (args) => (Math.random() < share ? near : far).pick(args) }, null);
    }
  }

  x.registerLoadBalancerType(ZONE_POLICY, ZonePreferenceBalancer, ZonePreferenceConfig);
}
