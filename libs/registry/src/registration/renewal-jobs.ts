import { Injectable, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { LEASE_RENEWAL_JOB, LEASE_RETRY_JOB } from '../registry.constants.js';
import { MESSAGES } from '../registry.messages.js';
import { RegistryOptionsError } from '../errors/registry.error.js';

/** The app's scheduler, or the error that says to import `ScheduleModule.forRoot()`: the one check of it. @internal */
export function requireScheduler(scheduler: SchedulerRegistry | undefined): SchedulerRegistry {
  if (!scheduler) throw new RegistryOptionsError(MESSAGES.noScheduler(), 'ScheduleModule', undefined);
  return scheduler;
}

/**
 * The lease keeper's two jobs in the app's `SchedulerRegistry` (the library never calls
 * `ScheduleModule.forRoot()`): the renewal interval and the one-shot retry timeout. Deleting
 * checks `doesExist` first, as the schedule module may already have removed them at shutdown.
 * @internal
 */
@Injectable()
export class RenewalJobs {
  constructor(@Optional() private readonly scheduler?: SchedulerRegistry) {}

  /** The app's scheduler, or the error that says to import `ScheduleModule.forRoot()`. */
  require(): SchedulerRegistry {
    return requireScheduler(this.scheduler);
  }

  /** Starts the renewal interval unless it runs already. */
  startRenewal(everyMs: number, tick: () => void): void {
    const scheduler = this.require();
    if (!scheduler.doesExist('interval', LEASE_RENEWAL_JOB)) scheduler.addInterval(LEASE_RENEWAL_JOB, setInterval(tick, everyMs));
  }

  /** Whether a retry is scheduled. */
  retryPending(): boolean {
    return this.scheduler?.doesExist('timeout', LEASE_RETRY_JOB) ?? false;
  }

  /** Runs `retry` once in `ms` (the caller checks {@link retryPending} first). */
  retryIn(ms: number, retry: () => void): void {
    const scheduler = this.require();
    scheduler.addTimeout(
      LEASE_RETRY_JOB,
      setTimeout(() => {
        this.delete(LEASE_RETRY_JOB, 'timeout');
        retry();
      }, ms),
    );
  }

  /** Stops both jobs. */
  stop(): void {
    this.delete(LEASE_RENEWAL_JOB, 'interval');
    this.delete(LEASE_RETRY_JOB, 'timeout');
  }

  private delete(name: string, type: 'interval' | 'timeout'): void {
    if (!this.scheduler?.doesExist(type, name)) return;
    if (type === 'interval') this.scheduler.deleteInterval(name);
    else this.scheduler.deleteTimeout(name);
  }
}
