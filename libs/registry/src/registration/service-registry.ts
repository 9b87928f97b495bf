import { Inject, Injectable } from '@nestjs/common';
import { REGISTRY_OPTIONS } from '../registry.constants.js';
import { InvalidServiceError } from '../errors/registry.error.js';
import {
  createServiceInstance,
  INSTANCE_STATUSES,
  instanceKey,
  isValidName,
  isValidVersion,
  NAME_RULE_TEXT,
  servicePrefix,
  VERSION_RULE_TEXT,
  type InstanceStatus,
  type ServiceInstance,
  type ServiceInstanceInit,
} from '../model/service-instance.js';
import type { ResolvedRegistryOptions } from '../interfaces/registry-module-options.interface.js';
import { LeaseKeeper } from './lease-keeper.js';
import { OwnKeysWatcher } from './own-keys.watcher.js';
import type { Registration, RegistrationStatus } from './registration-state.js';

/**
 * Manual control over this process's registrations: register or deregister an instance, change
 * its status (drain = `OUT_OF_SERVICE`), list what is registered and the lease's state.
 * `@RpcService` classes go through the same path automatically.
 */
@Injectable()
export class ServiceRegistry {
  constructor(
    private readonly keeper: LeaseKeeper,
    private readonly ownKeys: OwnKeysWatcher,
    @Inject(REGISTRY_OPTIONS) private readonly options: ResolvedRegistryOptions,
  ) {}

  /**
   * Registers an instance under this process's lease (host defaults to the module's `host`).
   * Resolves after the first write attempt; if the registry is unreachable it keeps retrying and
   * the returned registration says `confirmed: false`. Rejects only for invalid input.
   */
  async register(init: Omit<ServiceInstanceInit, 'serviceHost'> & { serviceHost?: string }): Promise<Registration> {
    const instance = createServiceInstance({ ...init, serviceHost: init.serviceHost ?? this.options.host });
    this.validate(instance);
    const key = instanceKey(this.options.namespace, instance);
    const registration = await this.keeper.put(key, instance);
    this.ownKeys.watch(servicePrefix(this.options.namespace, instance.serviceName, instance.serviceVersion));
    return registration;
  }

  /** Removes one of this process's instances, by key or by instance. */
  async deregister(
    target: string | Pick<ServiceInstance, 'serviceName' | 'serviceVersion' | 'serviceHost' | 'servicePort'>,
  ): Promise<void> {
    await this.keeper.remove(typeof target === 'string' ? target : instanceKey(this.options.namespace, target));
  }

  /**
   * Sets the status of every instance of `serviceName` (optionally one `version`) registered by
   * this process. `OUT_OF_SERVICE` drains: consumers stop choosing it, the key stays.
   */
  async setStatus(serviceName: string, status: InstanceStatus, version?: string): Promise<readonly Registration[]> {
    if (!INSTANCE_STATUSES.includes(status)) {
      throw new InvalidServiceError(`Invalid status ${JSON.stringify(status)}: expected ${INSTANCE_STATUSES.join(' | ')}.`);
    }
    const targets = this.keeper
      .registrations()
      .filter((r) => r.instance.serviceName === serviceName && (version === undefined || r.instance.serviceVersion === version));
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

  private validate(instance: ServiceInstance): void {
    const fail = (field: string, value: unknown, rule: string): never => {
      throw new InvalidServiceError(`Invalid instance: "${field}" is ${JSON.stringify(value)}, expected ${rule}.`);
    };
    if (!isValidName(instance.serviceName)) fail('serviceName', instance.serviceName, NAME_RULE_TEXT);
    if (!isValidVersion(instance.serviceVersion)) fail('serviceVersion', instance.serviceVersion, VERSION_RULE_TEXT);
    if (typeof instance.serviceHost !== 'string' || instance.serviceHost === '' || /[\s/]/.test(instance.serviceHost)) {
      fail('serviceHost', instance.serviceHost, 'a host name or IP address');
    }
    if (!Number.isInteger(instance.servicePort) || instance.servicePort < 1 || instance.servicePort > 65535) {
      fail('servicePort', instance.servicePort, 'an integer in 1..65535');
    }
    if (!Number.isInteger(instance.weight) || instance.weight < 0) fail('weight', instance.weight, 'an integer ≥ 0');
  }
}
