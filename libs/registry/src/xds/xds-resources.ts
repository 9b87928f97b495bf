import { isIP } from 'node:net';
import type { ServiceInstance } from '../model/index.js';

const TYPE_PREFIX = 'type.googleapis.com/';

/** The xDS resource types the server answers, by the `type_url` clients ask for. @publicApi */
export const XDS_TYPES = Object.freeze({
  listener: `${TYPE_PREFIX}envoy.config.listener.v3.Listener`,
  cluster: `${TYPE_PREFIX}envoy.config.cluster.v3.Cluster`,
  endpoints: `${TYPE_PREFIX}envoy.config.endpoint.v3.ClusterLoadAssignment`,
  routes: `${TYPE_PREFIX}envoy.config.route.v3.RouteConfiguration`,
});

/** One of {@link XDS_TYPES}. @publicApi */
export type XdsTypeUrl = (typeof XDS_TYPES)[keyof typeof XDS_TYPES];

/** An xDS resource as protobuf.js packs a `google.protobuf.Any`: its message's fields (snake_case) plus `@type`. @publicApi */
export type XdsResource = { readonly '@type': string } & Record<string, unknown>;

const HCM = `${TYPE_PREFIX}envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager`;
const ROUTER = `${TYPE_PREFIX}envoy.extensions.filters.http.router.v3.Router`;

/**
 * The Listener a client dialling `xds:///<name>` asks for: an API listener (gRFC A27) whose
 * inline route configuration sends every call to `cluster`. @internal
 */
export function listenerResource(name: string, cluster: string): XdsResource {
  return {
    '@type': XDS_TYPES.listener,
    name,
    api_listener: {
      api_listener: {
        '@type': HCM,
        route_config: {
          name: `${name}-route`,
          virtual_hosts: [{ name, domains: ['*'], routes: [{ match: { prefix: '' }, route: { cluster } }] }],
        },
        http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': ROUTER } }],
      },
    },
  };
}

/** The Cluster of one service version: its endpoints come over the same stream (EDS over ADS), balanced round-robin. @internal */
export function clusterResource(name: string): XdsResource {
  return {
    '@type': XDS_TYPES.cluster,
    name,
    type: 'EDS',
    eds_cluster_config: { eds_config: { ads: {}, resource_api_version: 'V3' }, service_name: name },
    lb_policy: 'ROUND_ROBIN',
  };
}

/** The Envoy health status of a registry status: only `UP` is `HEALTHY`; a drained instance is `DRAINING`. @internal */
export function healthOf(instance: ServiceInstance): 'HEALTHY' | 'UNHEALTHY' | 'DRAINING' {
  if (instance.status === 'UP') return 'HEALTHY';
  return instance.status === 'OUT_OF_SERVICE' ? 'DRAINING' : 'UNHEALTHY';
}

/** Why an instance cannot be an xDS endpoint, or `undefined` when it can. @internal */
export function unservable(instance: ServiceInstance): string | undefined {
  if (isIP(instance.serviceHost) === 0) return `its host "${instance.serviceHost}" is not an IP address (xDS endpoints must be)`;
  if (instance.weight < 1) return 'its weight is 0 (xDS endpoint weights are at least 1)';
  return undefined;
}

/**
 * The ClusterLoadAssignment of `cluster`: one locality per zone of `instances` (the zone-less ones
 * in a locality with an empty zone), each weighted by the sum of its endpoints' weights (gRPC
 * ignores a locality without a weight), every endpoint with its instance's weight and health.
 * With a client `zone` that has an `UP` instance, that zone's locality is priority 0 and the others
 * priority 1 (gRPC fails over to them when the zone has no ready endpoint); otherwise all are 0.
 * Instances that cannot be endpoints ({@link unservable}) are left out, each told to `skipped`. @internal
 */
export function loadAssignmentResource(
  cluster: string,
  instances: readonly ServiceInstance[],
  skipped: (instance: ServiceInstance, why: string) => void = () => undefined,
  zone = '',
): XdsResource {
  const byZone = new Map<string, ServiceInstance[]>();
  for (const instance of instances) {
    const why = unservable(instance);
    if (why !== undefined) {
      skipped(instance, why);
      continue;
    }
    const key = instance.zone ?? '';
    const list = byZone.get(key);
    if (list) list.push(instance);
    else byZone.set(key, [instance]);
  }
  const local = zone !== '' && (byZone.get(zone)?.some((i) => i.status === 'UP') ?? false);
  const endpoints = [...byZone.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, members]) => ({
      locality: { region: '', zone: key, sub_zone: '' },
      load_balancing_weight: { value: members.reduce((sum, i) => sum + i.weight, 0) },
      priority: local && key !== zone ? 1 : 0,
      lb_endpoints: members.map((i) => ({
        endpoint: { address: { socket_address: { address: i.serviceHost, port_value: i.servicePort } } },
        health_status: healthOf(i),
        load_balancing_weight: { value: i.weight },
      })),
    }));
  return { '@type': XDS_TYPES.endpoints, cluster_name: cluster, endpoints };
}
