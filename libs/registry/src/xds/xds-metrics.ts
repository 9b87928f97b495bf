import { metrics, type Counter, type UpDownCounter } from '@opentelemetry/api';
import type { XdsTypeUrl } from './xds-resources.js';

/** The short name of a resource type, as a bounded metric label: `Listener`, `Cluster`, `ClusterLoadAssignment`... @internal */
export const typeLabel = (type: XdsTypeUrl): string => type.slice(type.lastIndexOf('.') + 1);

/**
 * The xDS server's metrics through `@opentelemetry/api` (Prometheus names
 * `registry_xds_clients`, `registry_xds_pushes_total{type}`, `registry_xds_nacks_total{type}`). @internal
 */
export class XdsMetrics {
  private readonly meter = metrics.getMeter('nest-service-registry');
  private readonly clientCount: UpDownCounter = this.meter.createUpDownCounter('registry_xds_clients', {
    description: 'xDS clients with an open ADS stream',
  });
  private readonly pushes: Counter = this.meter.createCounter('registry_xds_pushes', {
    description: 'xDS responses sent, by resource type',
  });
  private readonly nacks: Counter = this.meter.createCounter('registry_xds_nacks', {
    description: 'xDS responses a client rejected, by resource type',
  });

  connected(delta: 1 | -1): void {
    this.clientCount.add(delta);
  }

  pushed(type: XdsTypeUrl): void {
    this.pushes.add(1, { type: typeLabel(type) });
  }

  rejected(type: XdsTypeUrl): void {
    this.nacks.add(1, { type: typeLabel(type) });
  }
}
