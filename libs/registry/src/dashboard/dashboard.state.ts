import { Inject, Injectable, Logger, Optional, type OnModuleDestroy } from '@nestjs/common';
import { RegistryError } from '../errors/registry.error.js';
import {
  auditTime,
  defer,
  exhaustMap,
  map,
  merge,
  Observable,
  of,
  ReplaySubject,
  share,
  Subject,
  Subscription,
  takeUntil,
  timer,
} from 'rxjs';
import { DiscoveryClient } from '../discovery/discovery-client.js';
import { RegistryBackend } from '../backends/registry-backend.js';
import { REGISTRY_OPTIONS } from '../registry.constants.js';
import type { ResolvedRegistryOptions } from '../interfaces/registry-module-options.interface.js';
import { serviceKey, type InstanceStatus } from '../model/index.js';
import { ServiceRegistry } from '../registration/service-registry.js';
import type { Registration } from '../registration/registration-state.js';
import { buildSnapshot, describeEvent, type DashboardEvent, type DashboardSnapshot } from './dashboard-snapshot.js';
import type { ResolvedDashboardOptions } from './dashboard.options.js';
import { XDS_STATS, type XdsStatsSource } from '../xds/xds-stats.js';

/** Injection token of the resolved dashboard options. @internal */
export const DASHBOARD_OPTIONS = Symbol('DASHBOARD_OPTIONS');

/** Changes closer together than this are pushed as one snapshot. */
const PUSH_WINDOW_MS = 50;

/**
 * What the dashboard shows, and its live feed: one shared stream of snapshots for every open
 * page, pushed when the discovery cache changes and every `serviceListInterval` (when the
 * namespace's service list is read again, so new services are loaded into the cache). Nothing
 * runs while no page is open. @internal
 */
@Injectable()
export class DashboardState implements OnModuleDestroy {
  private readonly logger = new Logger('RegistryDashboard');
  private readonly changes = new Subject<void>();
  private readonly closing = new ReplaySubject<void>(1); // replays to pages opened during shutdown
  private readonly events: DashboardEvent[] = [];
  private readonly subscription: Subscription;
  private listError: string | undefined;

  /** Snapshots: the current one at once, then one per change. Completes at shutdown (ending every SSE response). */
  readonly snapshots$: Observable<DashboardSnapshot>;

  constructor(
    private readonly discovery: DiscoveryClient,
    private readonly registry: ServiceRegistry,
    private readonly backend: RegistryBackend,
    @Inject(REGISTRY_OPTIONS) private readonly registryOptions: ResolvedRegistryOptions,
    @Inject(DASHBOARD_OPTIONS) private readonly options: ResolvedDashboardOptions,
    @Optional() @Inject(XDS_STATS) private readonly xds?: XdsStatsSource,
  ) {
    this.subscription = discovery.events$.subscribe((event) => {
      this.events.unshift(describeEvent(event, new Date()));
      if (this.events.length > options.eventLogSize) this.events.pop();
      this.changes.next();
    });
    const refresh = timer(0, options.serviceListInterval).pipe(exhaustMap(() => defer(() => this.loadServices())));
    this.snapshots$ = merge(of(undefined), refresh, this.changes.pipe(auditTime(PUSH_WINDOW_MS))).pipe(
      map(() => this.snapshot()),
      takeUntil(this.closing),
      share(),
    );
  }

  /** The page's data after one read of the namespace's service list (for the `state` route). */
  async current(): Promise<DashboardSnapshot> {
    await this.loadServices();
    return this.snapshot();
  }

  /** The page's data now, from the cache. */
  snapshot(): DashboardSnapshot {
    return buildSnapshot({
      now: new Date(),
      namespace: this.registryOptions.namespace,
      backend: { kind: this.backend.kind, endpoints: this.backend.endpoints },
      readOnly: this.options.readOnly,
      cached: this.discovery.status(),
      instancesOf: (s) => this.discovery.getInstancesSync(s.serviceName, { version: s.serviceVersion, includeUnavailable: true }),
      registration: this.registry.status(),
      listError: this.listError,
      events: [...this.events],
      xds: this.xds ? { address: this.xds.address, ...this.xds.stats } : null,
    });
  }

  /** Drains (`OUT_OF_SERVICE`) or undrains (`UP`) one of this process's instances, by id. */
  async setStatus(instanceId: string, status: InstanceStatus): Promise<DashboardSnapshot> {
    if (this.options.readOnly) {
      throw new RegistryError(
        'The registry dashboard is read-only: mount it with readOnly: false and a guard to drain instances.',
        'READ_ONLY',
      );
    }
    const own = this.registry.registrations().find((r: Registration) => r.instance.id === instanceId);
    if (!own)
      throw new RegistryError(
        `"${instanceId}" is not an instance registered by this process; only those can be drained here.`,
        'NOT_OWN_INSTANCE',
      );
    await this.registry.updateStatus((r) => r.key === own.key, status);
    this.logger.log(`${status === 'UP' ? 'Undrained' : 'Drained'} ${instanceId} from the dashboard`);
    this.changes.next();
    return this.snapshot();
  }

  onModuleDestroy(): void {
    this.closing.next();
    this.closing.complete();
    this.subscription.unsubscribe();
  }

  /** Reads the namespace's services and loads the ones the cache does not hold yet (their watches then feed the page). */
  private async loadServices(): Promise<void> {
    try {
      const summaries = await this.discovery.getServices();
      const cached = new Set(this.discovery.status().map((s) => serviceKey(s.serviceName, s.serviceVersion)));
      const missing = summaries.filter((s) => !cached.has(serviceKey(s.serviceName, s.serviceVersion)));
      await Promise.all(missing.map((s) => this.discovery.getInstances(s.serviceName, { version: s.serviceVersion })));
      this.listError = undefined;
    } catch (error) {
      this.listError = error instanceof Error ? error.message : String(error);
      this.logger.debug(`Service list not read: ${this.listError}`);
    }
  }
}
