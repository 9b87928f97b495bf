import { expect } from '@jest/globals';
import type { Subscription } from 'rxjs';
import type { DiscoveryClient, ServiceInstance } from 'nest-service-registry';

/**
 * Replays a consumer's events for one service from its initial state and records every event
 * that does not fit (an `added` for an instance already there, a `removed` or `updated` for one
 * that is not), so a suite fails on a missed or duplicated event, not only on a wrong end state.
 */
export class EventLedger {
  private readonly present = new Map<string, ServiceInstance>();
  readonly problems: string[] = [];
  private readonly subscription: Subscription;

  constructor(
    private readonly discovery: DiscoveryClient,
    private readonly serviceName: string,
  ) {
    for (const instance of discovery.getInstancesSync(serviceName, { includeUnavailable: true })) this.present.set(instance.id, instance);
    this.subscription = discovery.events$.subscribe((event) => {
      if (event.serviceName !== serviceName || !('instance' in event)) return;
      const id = event.instance.id;
      const known = this.present.has(id);
      if (event.type === 'added' && known) this.problems.push(`duplicate added ${id}`);
      if (event.type !== 'added' && !known) this.problems.push(`${event.type} for unknown ${id}`);
      if (event.type === 'removed') this.present.delete(id);
      else this.present.set(id, event.instance);
    });
  }

  /** Ids the events say are present. */
  ids(): string[] {
    return [...this.present.keys()].sort();
  }

  /** No bad event, and events, cache and `expected` (e.g. what etcd holds) agree. */
  expectConsistent(expected: string[]): void {
    expect(this.problems).toEqual([]);
    expect(this.ids()).toEqual([...expected].sort());
    expect(
      this.discovery
        .getInstancesSync(this.serviceName, { includeUnavailable: true })
        .map((i) => i.id)
        .sort(),
    ).toEqual([...expected].sort());
  }

  close(): void {
    this.subscription.unsubscribe();
  }
}
