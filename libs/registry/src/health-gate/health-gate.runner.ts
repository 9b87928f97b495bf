import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { HEALTH_GATE_JOB, REGISTRY_OPTIONS } from '../registry.constants.js';
import { errorText, MESSAGES } from '../registry.messages.js';
import type { ResolvedRegistryOptions } from '../interfaces/registry-module-options.interface.js';
import type { InstanceStatus } from '../model/index.js';
import { ServiceRegistry } from '../registration/service-registry.js';
import { requireScheduler } from '../registration/renewal-jobs.js';
import { withTimeout } from '../util/with-timeout.js';
import { GateState } from './gate-state.js';
import type { ResolvedHealthGate } from './health-gate.options.js';

/**
 * Runs the `healthGate` option: the app's check every `interval` (one at a time, bounded by
 * `healthTimeout`); `threshold` failures in a row publish this process's `UP` instances as `DOWN`
 * (and any registered later while it lasts), as many passes publish those same instances `UP`
 * again. Instances drained by hand (`setStatus`) are left alone. One warning when it closes, one
 * line when it opens. The check's interval is a job of the app's `SchedulerRegistry`, as the lease
 * renewal is.
 * @internal
 */
@Injectable()
export class HealthGateRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('HealthGate');
  private readonly gated = new Set<string>();
  private state: GateState | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    @Inject(REGISTRY_OPTIONS) private readonly options: ResolvedRegistryOptions,
    private readonly registry: ServiceRegistry,
    @Optional() private readonly scheduler?: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const gate = this.options.healthGate;
    if (!gate) return;
    const scheduler = requireScheduler(this.scheduler);
    this.state = new GateState(gate.threshold);
    this.timer = setInterval(() => void this.tick(gate), gate.interval);
    this.timer.unref();
    scheduler.addInterval(HEALTH_GATE_JOB, this.timer);
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    // The schedule module may have removed it already at shutdown.
    if (this.scheduler?.doesExist('interval', HEALTH_GATE_JOB)) this.scheduler.deleteInterval(HEALTH_GATE_JOB);
  }

  /** One check and what follows from it. Never rejects. */
  async tick(gate: ResolvedHealthGate): Promise<void> {
    if (this.running || !this.state || !this.timer) return;
    this.running = true;
    try {
      const failure = await this.check(gate);
      const change = this.state.record(failure === undefined);
      if (change === 'down') this.logger.warn(MESSAGES.gateClosed(gate.threshold, failure ?? ''));
      if (change === 'up') this.logger.log(MESSAGES.gateOpened(gate.threshold, [...this.gated]));
      if (this.state.down) await this.publish('UP', 'DOWN');
      else if (change === 'up') await this.publish('DOWN', 'UP');
    } catch {
      // The registry is closing: nothing left to publish.
    } finally {
      this.running = false;
    }
  }

  /** Why the check failed, or `undefined` when it passed. */
  private async check(gate: ResolvedHealthGate): Promise<string | undefined> {
    try {
      const result = await withTimeout(Promise.resolve().then(gate.check), this.options.healthTimeout, 'the health gate check');
      return result === false ? 'the check returned false' : undefined;
    } catch (error) {
      return errorText(error);
    }
  }

  /** Rewrites with status `to` the registrations in status `from` (down: every UP one; up: those the gate set down). */
  private async publish(from: InstanceStatus, to: InstanceStatus): Promise<void> {
    for (const { key, instance } of this.registry.registrations()) {
      if (instance.status !== from || (to === 'UP' && !this.gated.has(key))) continue;
      if (to === 'DOWN') this.gated.add(key);
      await this.registry.updateStatus((registration) => registration.key === key, to);
    }
    if (to === 'UP') this.gated.clear();
  }
}
