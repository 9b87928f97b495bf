import type { CachedServiceStatus } from '../discovery/discovery.interfaces.js';
import type { DiscoveryEvent } from '../discovery/discovery-event.js';
import { serviceKey, type ServiceInstance } from '../model/index.js';
import type { RegistrationStatus } from '../registration/registration-state.js';

/** One instance as the dashboard shows it: the registry's value, and whether this process registered it. @publicApi */
export interface DashboardInstance extends ServiceInstance {
  readonly own: boolean;
}

/** One service of the namespace with its instances (every status) and its cache state. @publicApi */
export interface DashboardService {
  /** `name:version`, as in the `data-service` attribute. */
  readonly key: string;
  readonly serviceName: string;
  readonly serviceVersion: string;
  /** Instances whose status is `UP`. */
  readonly up: number;
  readonly total: number;
  /** Served from the last known state because the registry cannot be reached. */
  readonly stale: boolean;
  readonly staleSince: string | null;
  readonly lastError: string | null;
  readonly instances: readonly DashboardInstance[];
}

/** One of this process's registrations. @publicApi */
export interface DashboardRegistration {
  readonly key: string;
  readonly instanceId: string;
  readonly service: string;
  readonly status: string;
  readonly confirmed: boolean;
  /** Lease of another process holding the same address, if any. */
  readonly heldBy: string | null;
}

/** A line of the recent-events log. @publicApi */
export interface DashboardEvent {
  readonly at: string;
  readonly type: DiscoveryEvent['type'];
  readonly service: string;
  readonly instanceId: string | null;
  readonly detail: string;
}

/** This app's xDS server (`RegistryXdsModule`): where it listens, its clients now, responses sent and rejected so far. @publicApi */
export interface DashboardXds {
  readonly address: string;
  readonly clients: number;
  readonly pushes: number;
  readonly nacks: number;
}

/** Everything the page shows, pushed whole over server-sent events. @publicApi */
export interface DashboardSnapshot {
  readonly at: string;
  readonly namespace: string;
  readonly backend: { readonly kind: string; readonly endpoints: readonly string[] };
  readonly readOnly: boolean;
  readonly lease: {
    readonly state: string;
    readonly id: string | null;
    readonly ttl: number;
    readonly ttlLeftMs: number | null;
    readonly lastRenewal: string | null;
    readonly lastError: string | null;
  };
  readonly registrations: readonly DashboardRegistration[];
  readonly services: readonly DashboardService[];
  /** Why the namespace's service list could not be read last time, if it could not. */
  readonly listError: string | null;
  /** Newest first. */
  readonly events: readonly DashboardEvent[];
  /** The app's xDS server, or `null` when it runs none. */
  readonly xds: DashboardXds | null;
}

/** What {@link buildSnapshot} reads. @internal */
export interface SnapshotSources {
  readonly now: Date;
  readonly namespace: string;
  readonly backend: { readonly kind: string; readonly endpoints: readonly string[] };
  readonly readOnly: boolean;
  readonly cached: readonly CachedServiceStatus[];
  readonly instancesOf: (status: CachedServiceStatus) => readonly ServiceInstance[];
  readonly registration: RegistrationStatus;
  readonly listError: string | undefined;
  readonly events: readonly DashboardEvent[];
  readonly xds: DashboardXds | null;
}

/** Builds the page's data from the discovery cache and the registration status (pure). @internal */
export function buildSnapshot(sources: SnapshotSources): DashboardSnapshot {
  const { registration } = sources;
  const ownIds = new Set(registration.registrations.map((r) => r.instance.id));
  const services = sources.cached
    .map((status): DashboardService => {
      const instances = [...sources.instancesOf(status)]
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((instance) => ({ ...instance, own: ownIds.has(instance.id) }));
      return {
        key: serviceKey(status.serviceName, status.serviceVersion),
        serviceName: status.serviceName,
        serviceVersion: status.serviceVersion,
        up: instances.filter((i) => i.status === 'UP').length,
        total: instances.length,
        stale: status.stale,
        staleSince: status.staleSince?.toISOString() ?? null,
        lastError: status.lastError ?? null,
        instances,
      };
    })
    .sort((a, b) => a.key.localeCompare(b.key));
  return {
    at: sources.now.toISOString(),
    namespace: sources.namespace,
    backend: sources.backend,
    readOnly: sources.readOnly,
    lease: {
      state: registration.state,
      id: registration.leaseId ?? null,
      ttl: registration.ttl,
      ttlLeftMs: registration.ttlLeftMs ?? null,
      lastRenewal: registration.lastRenewal?.toISOString() ?? null,
      lastError: registration.lastError ?? null,
    },
    registrations: registration.registrations.map((r) => ({
      key: r.key,
      instanceId: r.instance.id,
      service: serviceKey(r.instance.serviceName, r.instance.serviceVersion),
      status: r.instance.status,
      confirmed: r.confirmed,
      heldBy: r.heldBy ?? null,
    })),
    services,
    listError: sources.listError ?? null,
    events: sources.events,
    xds: sources.xds,
  };
}

/** The log line of a discovery event (pure). @internal */
export function describeEvent(event: DiscoveryEvent, at: Date): DashboardEvent {
  const service = serviceKey(event.serviceName, event.serviceVersion);
  const base = { at: at.toISOString(), type: event.type, service };
  switch (event.type) {
    case 'added':
    case 'removed':
      return { ...base, instanceId: event.instance.id, detail: `${event.instance.protocol} ${event.instance.status}` };
    case 'ejected':
      return { ...base, instanceId: event.instance.id, detail: `${event.reason}, ejection ${event.count}, ${event.duration} ms` };
    case 'returned':
      return { ...base, instanceId: event.instance.id, detail: 'back in choice' };
    case 'updated':
      return { ...base, instanceId: event.instance.id, detail: `${event.previous?.status ?? '?'} → ${event.instance.status}` };
    case 'resynced':
      return { ...base, instanceId: null, detail: `${event.instances.length} instances (${event.reason})` };
    case 'stale':
      return { ...base, instanceId: null, detail: event.error ?? 'registry unreachable' };
  }
}
