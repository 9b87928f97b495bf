import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { REGISTRY_OPTIONS } from './registry.constants.js';
import { MESSAGES } from './registry.messages.js';
import { BackendUnavailableError, RegistryOptionsError } from './errors/registry.error.js';
import { RegistryBackend } from './backends/registry-backend.js';
import type { ResolvedRegistryOptions } from './interfaces/registry-module-options.interface.js';
import { delay, withTimeout } from './util/with-timeout.js';
import { DiscoveryClient } from './discovery/discovery-client.js';
import { RegistrationKeeper } from './registration/registration-keeper.js';
import { OwnKeysWatcher } from './registration/own-keys.watcher.js';

/**
 * Connection-level lifecycle.
 *
 * - `onModuleInit`: opens the backend connection (one ping, not awaited). With `failFast`, waits
 *   up to `connectTimeout` for the backend to answer and fails bootstrap, naming the endpoints,
 *   when it does not; without it the app boots and registers as soon as the backend answers.
 * - `onApplicationShutdown` (after the HTTP server closed): stop the jobs, cancel the watches,
 *   then close the backend client. Deregistration already happened in `onModuleDestroy`.
 * @internal
 */
@Injectable()
export class RegistryLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly keeper: RegistrationKeeper,
    private readonly ownKeys: OwnKeysWatcher,
    private readonly discovery: DiscoveryClient,
    private readonly backend: RegistryBackend,
    @Inject(REGISTRY_OPTIONS) private readonly options: ResolvedRegistryOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.options.failFast) {
      // Open the connection now, so the first registration or read does not pay for it. A
      // backend that does not answer yet is retried by whoever needs it.
      this.backend.ping().catch(() => undefined);
      return;
    }
    const deadline = Date.now() + this.options.connectTimeout;
    let lastError: unknown;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      try {
        await withTimeout(this.backend.ping(), Math.min(this.options.requestTimeout, left), `${this.backend.kind} ping`);
        return;
      } catch (error) {
        lastError = error;
        if (error instanceof RegistryOptionsError) break; // a misconfiguration (e.g. a Redis Cluster): no retry helps
      }
      await delay(Math.min(200, Math.max(0, deadline - Date.now())));
    }
    await this.backend.close();
    if (lastError instanceof RegistryOptionsError) throw lastError;
    throw new BackendUnavailableError(MESSAGES.connectFailed(this.backend.endpoints, this.options.connectTimeout, lastError), {
      cause: lastError,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.keeper.stopJobs();
    await this.ownKeys.close();
    await this.discovery.close();
    await this.backend.close();
  }
}
