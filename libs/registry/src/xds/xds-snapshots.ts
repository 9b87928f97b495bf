import type { Subscription } from 'rxjs';
import type { DiscoveryClient } from '../discovery/discovery-client.js';
import { serviceKey, splitServiceKey, type ServiceInstance } from '../model/index.js';
import { parseTargetPath } from '../grpc/grpc-target.js';
import {
  clusterResource,
  listenerResource,
  loadAssignmentResource,
  XDS_TYPES,
  type XdsResource,
  type XdsTypeUrl,
} from './xds-resources.js';
import type { XdsSource } from './xds-stream.js';

/** Least time before a failed watch of a cluster is tried again. */
const RETRY_MS = 1_000;

/** The cluster a Listener name sends to: `user-grpc` and `user-grpc:1.0` both to `user-grpc:1.0`; `undefined` for a name that is no target. @internal */
export function clusterOfListener(name: string): string | undefined {
  try {
    const { serviceName, serviceVersion } = parseTargetPath(name);
    return serviceKey(serviceName, serviceVersion);
  } catch {
    return undefined;
  }
}

interface Followed {
  subscription: Subscription | undefined;
  /** Streams following it. */
  refs: number;
  /** The service's `grpc` instances (`undefined` until first read). */
  instances: readonly ServiceInstance[] | undefined;
  /** The assignment for each client zone asked for since the last change ('' for none). */
  assignments: Map<string, XdsResource>;
}

/** What the server learns from the snapshots. @internal */
export interface XdsSnapshotEvents {
  /** The endpoints of `cluster` changed (pushed to the streams that follow it). */
  changed(cluster: string): void;
  /** A one-time warning (an instance that cannot be an xDS endpoint, a failed watch). */
  warn(message: string): void;
}

/**
 * The xDS resources of the registry's gRPC services, built from the `DiscoveryClient` cache:
 * Listeners and Clusters are derived from their names alone; each ClusterLoadAssignment follows
 * its service's `grpc` instances (every status: non-`UP` ones are served as not healthy) through
 * `DiscoveryClient.watch`, for as long as a stream follows it. No polling: a change of the cache is
 * a push. @internal
 */
export class XdsSnapshots {
  private readonly followed = new Map<string, Followed>();
  private readonly warned = new Set<string>();
  private closed = false;

  constructor(
    private readonly discovery: DiscoveryClient,
    private readonly events: XdsSnapshotEvents,
  ) {}

  /** A source for one stream: what it follows is counted until `release()`. */
  view(): XdsSource & { release(): void } {
    const mine = new Set<string>();
    return {
      resources: (type, names, zone) => this.resources(type, names, zone),
      follow: (type, names) => {
        if (type !== XDS_TYPES.endpoints) return;
        for (const name of names) if (!mine.has(name) && this.acquire(name)) mine.add(name);
        for (const name of [...mine]) if (!names.has(name)) this.release(name, mine);
      },
      release: () => {
        for (const name of [...mine]) this.release(name, mine);
      },
    };
  }

  /** Stops every watch. */
  close(): void {
    this.closed = true;
    for (const followed of this.followed.values()) followed.subscription?.unsubscribe();
    this.followed.clear();
  }

  private resources(type: XdsTypeUrl, names: ReadonlySet<string>, zone: string): XdsResource[] {
    const out: XdsResource[] = [];
    for (const name of names) {
      const resource = this.resource(type, name, zone);
      if (resource) out.push(resource);
    }
    return out;
  }

  private resource(type: XdsTypeUrl, name: string, zone: string): XdsResource | undefined {
    if (type === XDS_TYPES.listener) {
      const cluster = clusterOfListener(name);
      return cluster === undefined ? undefined : listenerResource(name, cluster);
    }
    if (type === XDS_TYPES.cluster) return clusterOfListener(name) === name ? clusterResource(name) : undefined;
    if (type === XDS_TYPES.endpoints) return this.assignment(name, zone);
    return undefined; // RDS: the route configuration is inline in the Listener
  }

  /** Starts following `cluster` (or counts one more stream on it). `false` for a name that is no cluster (`name:version`). */
  private acquire(cluster: string): boolean {
    const existing = this.followed.get(cluster);
    if (existing) {
      existing.refs++;
      return true;
    }
    if (this.closed || clusterOfListener(cluster) !== cluster) return false;
    const followed: Followed = { subscription: undefined, refs: 1, instances: undefined, assignments: new Map() };
    this.followed.set(cluster, followed);
    this.watch(cluster, followed);
    return true;
  }

  /** Follows the service's `grpc` instances; a failed watch is tried again after a second (the last assignment stays served). */
  private watch(cluster: string, followed: Followed): void {
    const { serviceName, serviceVersion } = splitServiceKey(cluster)!;
    const query = { version: serviceVersion, protocol: 'grpc', includeUnavailable: true };
    followed.subscription = this.discovery.watch(serviceName, query).subscribe({
      next: (instances) => this.update(cluster, followed, instances),
      error: (error: unknown) => {
        this.warnOnce(
          `watch:${cluster}`,
          `xDS: cannot read ${cluster} (${error instanceof Error ? error.message : String(error)}); retrying`,
        );
        const retry = setTimeout(() => {
          if (this.followed.get(cluster) === followed) this.watch(cluster, followed); // still followed
        }, RETRY_MS);
        retry.unref();
      },
    });
  }

  private update(cluster: string, followed: Followed, instances: readonly ServiceInstance[]): void {
    followed.instances = instances;
    followed.assignments.clear();
    if (this.followed.get(cluster) === followed) this.events.changed(cluster);
  }

  /** The ClusterLoadAssignment of `cluster` for a client in `zone`, built once per change and zone. */
  private assignment(cluster: string, zone: string): XdsResource | undefined {
    const followed = this.followed.get(cluster);
    if (!followed?.instances) return undefined;
    let assignment = followed.assignments.get(zone);
    if (!assignment) {
      assignment = loadAssignmentResource(
        cluster,
        followed.instances,
        (instance, why) => this.warnOnce(`skip:${instance.id}`, `xDS: instance ${instance.id} is not served: ${why}`),
        zone,
      );
      followed.assignments.set(zone, assignment);
    }
    return assignment;
  }

  private release(cluster: string, mine: Set<string>): void {
    mine.delete(cluster);
    const followed = this.followed.get(cluster);
    if (!followed || --followed.refs > 0) return;
    followed.subscription?.unsubscribe();
    this.followed.delete(cluster);
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.events.warn(message);
  }
}
