import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { REGISTRY_OPTIONS } from '../registry.constants.js';
import { errorText } from '../registry.messages.js';
import { RegistryBackend } from '../backends/registry-backend.js';
import { DiscoveryClient } from '../discovery/discovery-client.js';
import type { ResolvedRegistryOptions } from '../interfaces/registry-module-options.interface.js';
import { ServiceRegistry } from '../registration/service-registry.js';
import { withTimeout } from '../util/with-timeout.js';

/**
 * Terminus health indicator of the registry: `up` while the backend answers within
 * `healthTimeout`, every registration of this process is confirmed on a live lease and no looked-up
 * service is stale (blind); `down` otherwise, with details (backend, endpoints, lease id, TTL left, last renewal, lost
 * registrations, stale services, last error). Always resolves; never throws.
 * @publicApi
 */
@Injectable()
export class RegistryHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly backend: RegistryBackend,
    private readonly registry: ServiceRegistry,
    private readonly discovery: DiscoveryClient,
    @Inject(REGISTRY_OPTIONS) private readonly options: ResolvedRegistryOptions,
  ) {}

  async isHealthy<const Key extends string = 'registry'>(key: Key = 'registry' as Key): Promise<HealthIndicatorResult<Key>> {
    const indicator = this.health.check(key);
    let pingError: string | undefined;
    try {
      await withTimeout(this.backend.ping(), this.options.healthTimeout, `${this.backend.kind} health check`);
    } catch (error) {
      pingError = errorText(error);
    }
    const status = this.registry.status();
    const services = this.discovery.status();
    const staleServices = services
      .filter((s) => s.stale)
      .map((s) => ({
        service: `${s.serviceName}:${s.serviceVersion}`,
        since: s.staleSince?.toISOString() ?? null,
        error: s.lastError ?? null,
      }));
    const details = {
      backend: this.backend.kind,
      endpoints: [...this.backend.endpoints],
      lease: {
        id: status.leaseId ?? null,
        state: status.state,
        ttl: status.ttl,
        ttlLeftMs: status.ttlLeftMs ?? null,
        lastRenewal: status.lastRenewal?.toISOString() ?? null,
      },
      registrations: status.registrations.length,
      lostRegistrations: [...status.lostRegistrations],
      // Keys not registered yet (the registry has not confirmed their first write).
      pendingRegistrations: [...status.pendingRegistrations],
      // Keys another process holds: the same address advertised twice (this instance is not registered).
      heldByOthers: status.registrations.filter((r) => r.heldBy !== undefined).map((r) => ({ key: r.key, lease: r.heldBy })),
      staleServices,
      watches: { services: services.length, connected: services.filter((s) => s.connected).length },
      lastError: pingError ?? status.lastError ?? null,
    };
    // A stale service is one this process cannot watch although it may still read it: blind, so down.
    const healthy =
      pingError === undefined &&
      status.lostRegistrations.length === 0 &&
      status.pendingRegistrations.length === 0 &&
      status.state !== 'degraded' &&
      staleServices.length === 0;
    return healthy ? indicator.up(details) : indicator.down(details);
  }
}
