import { describe, expect, it } from '@jest/globals';
import { createServiceInstance, type ServiceInstance } from '../model/index.js';
import { clusterResource, listenerResource, loadAssignmentResource, XDS_TYPES } from './xds-resources.js';

interface Hcm {
  route_config: { virtual_hosts: Array<{ routes: unknown[] }> };
  http_filters: Array<{ typed_config: { '@type': string } }>;
}
interface LbEndpoint {
  endpoint: { address: { socket_address: { address: string; port_value: number } } };
  health_status: string;
  load_balancing_weight: { value: number };
}
interface LocalityEndpoints {
  locality: { zone: string };
  load_balancing_weight: { value: number };
  lb_endpoints: LbEndpoint[];
}

const instance = (host: string, port: number, more: Partial<ServiceInstance> = {}) =>
  createServiceInstance({ serviceName: 'user-grpc', serviceHost: host, servicePort: port, protocol: 'grpc', registeredAt: 't', ...more });

describe('xDS resources of a registry service', () => {
  it('a Listener of the dialled name routes every call to the cluster, router filter last', () => {
    const listener = listenerResource('user-grpc', 'user-grpc:1.0');
    expect(listener['@type']).toBe(XDS_TYPES.listener);
    expect(listener.name).toBe('user-grpc');
    const hcm = (listener.api_listener as { api_listener: Hcm }).api_listener;
    expect(hcm.route_config.virtual_hosts[0]?.routes).toEqual([{ match: { prefix: '' }, route: { cluster: 'user-grpc:1.0' } }]);
    expect(hcm.http_filters.at(-1)?.typed_config['@type']).toMatch(/router\.v3\.Router$/);
  });

  it('a Cluster takes its endpoints from EDS over the same ADS stream', () => {
    expect(clusterResource('user-grpc:1.0')).toMatchObject({
      name: 'user-grpc:1.0',
      type: 'EDS',
      eds_cluster_config: { eds_config: { ads: {} }, service_name: 'user-grpc:1.0' },
    });
  });

  it('endpoints: one locality per zone weighted by its endpoints, UP healthy, others not, weight 0 and hostnames left out', () => {
    const skipped: string[] = [];
    const assignment = loadAssignmentResource(
      'user-grpc:1.0',
      [
        instance('10.0.0.1', 1, { zone: 'b', weight: 50 }),
        instance('10.0.0.2', 2, { zone: 'a' }),
        instance('10.0.0.3', 3, { zone: 'b', status: 'DOWN' }),
        instance('10.0.0.4', 4, { zone: 'a', status: 'OUT_OF_SERVICE' }),
        instance('10.0.0.5', 5),
        instance('10.0.0.6', 6, { weight: 0 }),
        instance('provider.internal', 7),
      ],
      (i, why) => skipped.push(`${i.serviceHost}: ${why}`),
    ) as unknown as { cluster_name: string; endpoints: LocalityEndpoints[] };
    expect(assignment.cluster_name).toBe('user-grpc:1.0');
    expect(skipped).toEqual([
      '10.0.0.6: its weight is 0 (xDS endpoint weights are at least 1)',
      'provider.internal: its host "provider.internal" is not an IP address (xDS endpoints must be)',
    ]);
    const summary = assignment.endpoints.map((e) => ({
      zone: e.locality.zone,
      weight: e.load_balancing_weight.value,
      endpoints: e.lb_endpoints.map(
        (l) =>
          `${l.endpoint.address.socket_address.address}:${l.endpoint.address.socket_address.port_value} ${l.health_status} ${l.load_balancing_weight.value}`,
      ),
    }));
    expect(summary).toEqual([
      { zone: '', weight: 100, endpoints: ['10.0.0.5:5 HEALTHY 100'] },
      { zone: 'a', weight: 200, endpoints: ['10.0.0.2:2 HEALTHY 100', '10.0.0.4:4 DRAINING 100'] },
      { zone: 'b', weight: 150, endpoints: ['10.0.0.1:1 HEALTHY 50', '10.0.0.3:3 UNHEALTHY 100'] },
    ]);
  });

  it("endpoints for a client's zone: its locality priority 0, the others 1; no UP instance there, or no zone: all 0", () => {
    const fleet = [instance('10.0.0.1', 1, { zone: 'a' }), instance('10.0.0.2', 2, { zone: 'b', status: 'DOWN' }), instance('10.0.0.3', 3)];
    const priorities = (zone?: string) =>
      (loadAssignmentResource('c', fleet, undefined, zone).endpoints as Array<{ locality: { zone: string }; priority: number }>).map(
        (e) => `${e.locality.zone || '-'}:${e.priority}`,
      );
    expect(priorities('a')).toEqual(['-:1', 'a:0', 'b:1']);
    expect(priorities('b')).toEqual(['-:0', 'a:0', 'b:0']); // b has no UP instance
    expect(priorities('c')).toEqual(['-:0', 'a:0', 'b:0']);
    expect(priorities()).toEqual(['-:0', 'a:0', 'b:0']);
  });
});
