import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryClient } from '../discovery/discovery-client.js';
import { ServiceRegistry } from '../registration/service-registry.js';
import { RegistryMetrics } from './registry-metrics.js';

/**
 * The gauges, read when the app's metric reader collects: instances this process has registered
 * (confirmed), cached instances per service, and how many cached services are stale.
 * @internal
 */
@Injectable()
export class RegistryGauges implements OnModuleInit {
  constructor(
    private readonly metrics: RegistryMetrics,
    private readonly registry: ServiceRegistry,
    private readonly discovery: DiscoveryClient,
  ) {}

  onModuleInit(): void {
    this.metrics.gauge('registry_registered_instances', 'Instances this process has registered (confirmed)', () => [
      [this.registry.registrations().filter((r) => r.confirmed).length],
    ]);
    this.metrics.gauge('registry_cached_instances', 'Instances in the discovery cache, by service', () => {
      const byService = new Map<string, number>();
      for (const s of this.discovery.status()) byService.set(s.serviceName, (byService.get(s.serviceName) ?? 0) + s.instances);
      return [...byService].map(([service, count]) => [count, { service }] as const);
    });
    this.metrics.gauge('registry_stale_services', 'Cached services served stale (registry unreachable or watch lost)', () => [
      [this.discovery.status().filter((s) => s.stale).length],
    ]);
  }
}
