import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { RegistryBackend } from './backends/registry-backend.js';
import { DiscoveryClient } from './discovery/discovery-client.js';
import { LeaseKeeper } from './registration/lease-keeper.js';
import { OwnKeysWatcher } from './registration/own-keys.watcher.js';

/**
 * The last shutdown step, after the HTTP server closed: stop the jobs, cancel the watches, then
 * close the backend client. (Deregistration already happened in `onModuleDestroy`.)
 */
@Injectable()
export class RegistryLifecycle implements OnApplicationShutdown {
  constructor(
    private readonly keeper: LeaseKeeper,
    private readonly ownKeys: OwnKeysWatcher,
    private readonly discovery: DiscoveryClient,
    private readonly backend: RegistryBackend,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    this.keeper.stopJobs();
    await this.ownKeys.close();
    await this.discovery.close();
    await this.backend.close();
  }
}
