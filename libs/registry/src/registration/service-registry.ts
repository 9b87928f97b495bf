import { Inject, Injectable } from '@nestjs/common';
import { REGISTRY_OPTIONS } from '../registry.constants.js';
import { MESSAGES } from '../registry.messages.js';
import { TAGS_METADATA_KEY } from '../discovery/tag-routing.js';
import { InvalidServiceError, RegistryTimeoutError } from '../errors/registry.error.js';
import { delay } from '../util/with-timeout.js';
import {
  createServiceInstance,
  FIELD_RULES,
  instanceKey,
  servicePrefix,
  validateInstance,
  type InstanceAddress,
  type InstanceStatus,
  type ServiceInstanceInit,
} from '../model/index.js';
import type { ResolvedRegistryOptions } from '../interfaces/registry-module-options.interface.js';
import { RegistrationKeeper } from './registration-keeper.js';
import { OwnKeysWatcher } from './own-keys.watcher.js';
import type { Registration, RegistrationStatus } from './registration-state.js';
import { RegistryBackend } from '../backends/registry-backend.js';
import { encodeInstance, type ServiceInstance } from '../model/index.js';
import { planPermanent, type PermanentOptions } from './permanent-instance.js';

/** What `ServiceRegistry.register()` takes: an instance's fields; `serviceHost` defaults to the module's `host`. @publicApi */
export type RegistrationInit = Omit<ServiceInstanceInit, 'serviceHost'> & { serviceHost?: string };

/**
 * Manual control over this process's registrations: register or deregister an instance, change
 * its status (drain = `OUT_OF_SERVICE`), list what is registered and the lease's state.
 * `@RpcService` classes go through the same path automatically. @publicApi
 */
@Injectable()
export class ServiceRegistry {
  constructor(
    private readonly keeper: RegistrationKeeper,
    private readonly ownKeys: OwnKeysWatcher,
    private readonly backend: RegistryBackend,
    @Inject(REGISTRY_OPTIONS) private readonly options: ResolvedRegistryOptions,
  ) {}

  /**
   * Registers an instance under this process's lease. Every field is checked against its rule
   * (and the whole value against the 64 KiB bound) first: invalid input rejects with an
   * `InvalidServiceError` naming the field. Otherwise resolves after the first write attempt; if
   * the registry is unreachable it keeps retrying and the registration says `confirmed: false`.
   */
  async register(init: RegistrationInit): Promise<Registration> {
    const { key, instance } = this.plan(init);
    const registration = await this.keeper.put(key, instance);
    this.ownKeys.watch(servicePrefix(this.options.namespace, instance.serviceName, instance.serviceVersion));
    return registration;
  }

  /**
   * The registration `init` would make, checked but not written (`confirmed: false`); throws an
   * `InvalidServiceError` naming the field that breaks its rule. @internal
   */
  plan(init: RegistrationInit): Registration {
    const tagged = this.options.tags.length > 0 && init.metadata?.[TAGS_METADATA_KEY] === undefined;
    const tags: Record<string, string> = tagged ? { [TAGS_METADATA_KEY]: this.options.tags.join(',') } : {};
    const instance = createServiceInstance({
      ...init,
      serviceHost: init.serviceHost ?? this.options.host,
      zone: init.zone ?? this.options.zone ?? null,
      metadata: { ...init.metadata, ...tags },
    });
    const problem = validateInstance(instance);
    if (problem) throw new InvalidServiceError(problem);
    return Object.freeze({ key: instanceKey(this.options.namespace, instance), instance, confirmed: false, heldBy: undefined });
  }

  /**
   * Registers a **permanent** instance: no lease, so it outlives this process and every restart,
   * until {@link deregisterPermanent} (or the CLI's `deregister`) removes it, or the checker does
   * after `check.deregisterAfter` of continuous `DOWN`. For what cannot register itself (a legacy
   * service, a managed database, another cluster's endpoint). With a `check`, it starts as
   * `STARTING` and the leader-elected checker (`RegistryCheckerModule`) turns it `UP` / `DOWN`.
   * Invalid input rejects with an `InvalidServiceError` naming the field or check setting.
   */
  async registerPermanent(init: ServiceInstanceInit, options: PermanentOptions = {}): Promise<ServiceInstance> {
    const { key, instance } = planPermanent(this.options.namespace, init, options);
    await this.backend.putPermanent(key, encodeInstance(instance));
    return instance;
  }

  /** Removes a permanent instance, by key or by address (a no-op when it is absent). */
  async deregisterPermanent(target: string | InstanceAddress): Promise<void> {
    await this.backend.deletePermanent(typeof target === 'string' ? target : instanceKey(this.options.namespace, target));
  }

  /** Removes one of this process's instances, by key or by address. */
  async deregister(target: string | InstanceAddress): Promise<void> {
    await this.keeper.remove(typeof target === 'string' ? target : instanceKey(this.options.namespace, target));
  }

  /**
   * Sets the status of every instance of `serviceName` (optionally one `version`) registered by
   * this process. `OUT_OF_SERVICE` drains: consumers stop choosing it, the key stays.
   */
  setStatus(serviceName: string, status: InstanceStatus, version?: string): Promise<readonly Registration[]> {
    return this.updateStatus(
      (r) => r.instance.serviceName === serviceName && (version === undefined || r.instance.serviceVersion === version),
      status,
    );
  }

  /**
   * Rewrites with `status` this process's registrations that `select` picks: the one way an
   * instance's status changes (`setStatus`, the health gate and the dashboard all come here). @internal
   */
  async updateStatus(select: (registration: Registration) => boolean, status: InstanceStatus): Promise<readonly Registration[]> {
    if (!FIELD_RULES.status.valid(status)) throw new InvalidServiceError(MESSAGES.invalidLookup('status', status, FIELD_RULES.status.rule));
    const targets = this.keeper.registrations().filter(select);
    return Promise.all(targets.map((r) => this.keeper.put(r.key, Object.freeze({ ...r.instance, status }))));
  }

  /** This process's registrations. */
  registrations(): readonly Registration[] {
    return this.keeper.registrations();
  }

  /** Lease state, renewals, lost registrations and last error. */
  status(): RegistrationStatus {
    return this.keeper.status();
  }

  /**
   * Resolves once every registration requested so far is confirmed in the registry (what
   * `@RpcService` classes request at bootstrap, or after `listen()` / `registerMicroservices()`,
   * included). Use it before relying on your own instances, e.g. an application context that calls
   * `choose()` on a service it hosts right after `init()`. Rejects with a `RegistryTimeoutError`
   * naming the unconfirmed keys after `timeout` ms (default 10 000). Checks the in-memory state
   * every 20 ms: no registry I/O.
   */
  async ready(timeout = 10_000): Promise<void> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const { lostRegistrations, pendingRegistrations } = this.keeper.status();
      const unconfirmed = [...pendingRegistrations, ...lostRegistrations];
      if (unconfirmed.length === 0) return;
      if (Date.now() >= deadline) throw new RegistryTimeoutError(MESSAGES.notReady(unconfirmed, timeout));
      await delay(Math.min(20, Math.max(0, deadline - Date.now())));
    }
  }
}
