import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { RegistryBackend, type Candidacy, type FencedWrite } from '../backends/registry-backend.js';
import { REGISTRY_OPTIONS } from '../registry.constants.js';
import type { ResolvedRegistryOptions } from '../interfaces/registry-module-options.interface.js';
import { errorText } from '../registry.messages.js';
import { decodeInstance, electionKey, encodeInstance, namespacePrefix, type InstanceCheck, type ServiceInstance } from '../model/index.js';
import { CHECKER_OPTIONS } from './checker.constants.js';
import type { ResolvedCheckerOptions } from './checker.options.js';
import { nextStreak, verdict, type Streak } from './check-verdict.js';
import { probe } from './probes.js';

interface Tracked {
  instance: ServiceInstance & { readonly check: InstanceCheck };
  /** The value as last read or written: writes are conditional on it (an operator's change since is never overwritten). */
  value: string;
  streak: Streak;
  timer: NodeJS.Timeout | undefined;
}

/**
 * The permanent-instance checker: campaigns for its namespace's election, and while it leads,
 * probes every permanent instance with a check at the check's interval and writes `UP` / `DOWN`
 * (and deregisters after `deregisterAfter`) through fenced writes. A write refused because
 * another checker leads now ends this one's term at once. @publicApi
 */
@Injectable()
export class RegistryChecker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RegistryChecker');
  private readonly candidacy: Candidacy;
  private readonly tracked = new Map<string, Tracked>();
  private campaignTimer: NodeJS.Timeout | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private leading = false;
  private stopped = false;
  private lastError: string | undefined;

  constructor(
    private readonly backend: RegistryBackend,
    @Inject(REGISTRY_OPTIONS) private readonly registry: ResolvedRegistryOptions,
    @Inject(CHECKER_OPTIONS) private readonly options: ResolvedCheckerOptions,
  ) {
    this.candidacy = backend.candidacy(electionKey(registry.namespace, options.election), this.ttl);
  }

  /** Whether this checker leads now. */
  get isLeader(): boolean {
    return this.leading;
  }

  /** The fencing token of the current term while leading. */
  get token(): string | undefined {
    return this.leading ? this.candidacy.token : undefined;
  }

  private get ttl(): number {
    return this.options.ttl ?? this.registry.ttl;
  }

  onApplicationBootstrap(): void {
    void this.campaign();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.campaignTimer);
    this.stepDown(undefined);
    await this.candidacy.resign();
  }

  private async campaign(): Promise<void> {
    let leads = false;
    try {
      leads = await this.candidacy.campaign();
      this.lastError = undefined;
    } catch (error) {
      const text = errorText(error);
      if (text !== this.lastError) this.logger.warn(`cannot reach the registry for the checker election: ${text}`);
      this.lastError = text;
    }
    if (this.stopped) return;
    if (leads && !this.leading) this.lead();
    else if (!leads && this.leading) this.stepDown('the claim was lost');
    this.campaignTimer = setTimeout(() => void this.campaign(), this.campaignPeriod());
  }

  /**
   * The leader renews every TTL / 3 (as the registration lease); a follower asks more often (TTL / 8,
   * 100 ms to 1 s) so that it takes over soon after a dead leader's claim expired.
   */
  private campaignPeriod(): number {
    const ttl = this.ttl * 1000;
    return this.leading ? ttl / 3 : Math.min(1_000, Math.max(100, ttl / 8));
  }

  private lead(): void {
    this.leading = true;
    this.logger.log(`checker leads the permanent instances of namespace ${this.registry.namespace} (term ${this.candidacy.token})`);
    void this.refresh();
  }

  private stepDown(reason: string | undefined): void {
    if (this.leading && reason) this.logger.warn(`checker no longer leads: ${reason}`);
    this.leading = false;
    clearTimeout(this.refreshTimer);
    for (const entry of this.tracked.values()) clearTimeout(entry.timer);
    this.tracked.clear();
  }

  /** Reads the namespace: starts probing new permanent instances, forgets removed ones, keeps the latest value of each. */
  private async refresh(): Promise<void> {
    try {
      const { entries } = await this.backend.list(namespacePrefix(this.registry.namespace));
      if (!this.leading) return;
      const seen = new Set<string>();
      for (const entry of entries) {
        const decoded = decodeInstance(entry.value);
        if (!decoded.ok || decoded.instance.ephemeral || !decoded.instance.check) continue;
        seen.add(entry.key);
        const instance = decoded.instance as Tracked['instance'];
        const known = this.tracked.get(entry.key);
        if (known) Object.assign(known, { instance, value: entry.value });
        else this.track(entry.key, instance, entry.value);
      }
      for (const [key, entry] of this.tracked) if (!seen.has(key)) this.forget(key, entry);
    } catch (error) {
      this.logger.warn(`checker could not read namespace ${this.registry.namespace}: ${errorText(error)}`);
    }
    if (this.leading) this.refreshTimer = setTimeout(() => void this.refresh(), this.options.refreshInterval);
  }

  private track(key: string, instance: Tracked['instance'], value: string): void {
    const entry: Tracked = { instance, value, streak: { passes: 0, failures: 0 }, timer: undefined };
    this.tracked.set(key, entry);
    entry.timer = setTimeout(() => void this.probe(key, entry), 0);
  }

  private forget(key: string, entry: Tracked): void {
    clearTimeout(entry.timer);
    this.tracked.delete(key);
  }

  private async probe(key: string, entry: Tracked): Promise<void> {
    const { serviceHost: host, servicePort: port, check } = entry.instance;
    const result = await probe({ type: check.type, path: check.path, timeout: check.timeout, host, port });
    if (this.tracked.get(key) !== entry) return; // forgotten meanwhile (removed, or the term ended)
    entry.streak = nextStreak(entry.streak, result.ok);
    const next = verdict(entry.instance.status, entry.instance.check, entry.streak, Date.now());
    try {
      if (next.kind === 'status') await this.write(key, entry, next.status, result);
      else if (next.kind === 'deregister') await this.deregister(key, entry);
    } catch (error) {
      this.logger.warn(`checker could not write ${key}: ${errorText(error)}`);
    }
    if (this.tracked.get(key) === entry) entry.timer = setTimeout(() => void this.probe(key, entry), check.interval);
  }

  private async write(key: string, entry: Tracked, status: 'UP' | 'DOWN', result: { ok: boolean; detail: string }): Promise<void> {
    const last = { ok: result.ok, at: new Date().toISOString(), detail: result.detail };
    const instance = Object.freeze({ ...entry.instance, status, check: Object.freeze({ ...entry.instance.check, last }) });
    const value = encodeInstance(instance);
    if (!this.written(await this.candidacy.put(key, value, entry.value), key)) return;
    Object.assign(entry, { instance, value });
    this.logger.log(`checker: ${instance.id} is ${status} (${result.detail})`);
  }

  private async deregister(key: string, entry: Tracked): Promise<void> {
    if (!this.written(await this.candidacy.delete(key, entry.value), key)) return;
    this.forget(key, entry);
    this.logger.log(`checker: deregistered ${entry.instance.id}, DOWN since ${entry.instance.check.last?.at}`);
  }

  /** Whether a fenced write landed; steps down when another checker leads, waits for the next read when the value changed. */
  private written(outcome: FencedWrite, key: string): boolean {
    if (outcome === 'fenced') this.stepDown('another checker leads (a write was fenced out)');
    else if (outcome === 'changed') this.logger.log(`checker: ${key} changed since it was read; its next read decides`);
    return outcome === 'written';
  }
}
