import type { ServiceInstance } from '../model/index.js';
import type { EjectedEvent, ReturnedEvent } from './discovery-event.js';
import { OutlierDetector, type OutlierPolicy } from './outlier-detector.js';

/** How a call to an instance ended, for outlier detection. @internal */
export type CallOutcome = 'succeeded' | 'failed' | 'connection';

/**
 * The outlier detection of one cache entry: the {@link OutlierDetector} fed with call outcomes,
 * announcing each ejection (`ejected`) and, when its time is over, the return (`returned`, by a
 * timer set for the next return to come). @internal
 */
export class EntryOutliers extends OutlierDetector {
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    policy: OutlierPolicy,
    private readonly ref: { readonly serviceName: string; readonly serviceVersion: string },
    /** The entry's instances now (a returned instance that left the registry is not announced). */
    private readonly current: () => readonly ServiceInstance[],
    private readonly emit: (event: EjectedEvent | ReturnedEvent) => void,
  ) {
    super(policy);
  }

  /** A call to `instance` ended; `size` is the service's number of `UP` instances (the ejection cap). */
  report(instance: ServiceInstance, outcome: CallOutcome, size: number): void {
    if (this.closed) return;
    if (outcome === 'succeeded') return this.succeeded(instance.id);
    const ejection = outcome === 'connection' ? this.connectionFailed(instance.id) : this.failed(instance.id, size);
    if (!ejection) return;
    this.emitReturns(); // an ended ejection the clock noticed before its timer (maybe this instance's) comes first
    this.emit({ type: 'ejected', ...this.ref, instance, ...ejection });
    this.awaitReturns();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  /** Emits `returned` for every ejection that has ended. */
  private emitReturns(): void {
    for (const id of this.returns()) {
      const back = this.current().find((i) => i.id === id);
      if (back) this.emit({ type: 'returned', ...this.ref, instance: back });
    }
  }

  /** Waits for the next ejection to end, then announces it (and waits for the next). */
  private awaitReturns(): void {
    clearTimeout(this.timer);
    const wait = this.nextReturnIn();
    if (wait === undefined || this.closed) return;
    this.timer = setTimeout(() => {
      this.emitReturns();
      this.awaitReturns();
    }, wait).unref();
  }
}
