import { Injectable } from '@nestjs/common';
import type { ResyncReason } from '../backends/registry-backend.js';
import type { DiscoveryEvent } from '../discovery/discovery-event.js';
import {
  createNoopMeter,
  metrics,
  type Attributes,
  type Counter,
  type Histogram,
  type Meter,
  type ObservableGauge,
} from '@opentelemetry/api';

/** Renewal outcomes (`registry_renewals_total{outcome}`). @publicApi */
export type RenewalOutcome = 'renewed' | 'lost' | 'failed';
/** Why a key was put back (`registry_repairs_total{reason}`). @publicApi */
export type RepairReason = 'lease_lost' | 'key_deleted' | 'key_overwritten';
/** Outcome of one call through a registry client (`registry_client_requests_total{outcome}`). @publicApi */
export type ClientOutcome = 'ok' | 'retried' | 'failed' | 'no_instance';
/** Why a cache re-listed a service (`registry_resyncs_total{reason}`): the backend's own reason. @publicApi */
export type { ResyncReason } from '../backends/registry-backend.js';

/** Seconds buckets for call and renewal latencies (1 ms .. 5 s). */
const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** The class of the API's no-op meter, which `metrics.getMeter()` returns while no SDK is registered. */
const NOOP_METER_CLASS = createNoopMeter().constructor;
const ignoreOutcome = (): void => undefined;

/**
 * Outcome of a client call that ended with `error` (`undefined` when it succeeded): no instance,
 * every attempt failed, or an answer (an application error is delivered): `retried` when the
 * answer came after `failedAttempts` attempts on other instances had failed, else `ok`. @internal
 */
export function outcomeOf(error: unknown, failedAttempts = 0): ClientOutcome {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (code === 'NO_INSTANCES') return 'no_instance';
  if (code === 'CALL_FAILED' || code === 'CALL_OUTCOME_UNKNOWN') return 'failed';
  return failedAttempts > 0 ? 'retried' : 'ok';
}

/**
 * Whether a resync is the backend coming back after a lost connection: such a re-list logs
 * nothing, since the outage's own two lines (RegistryOutage) cover it. @internal
 */
export const endsAnOutage = (reason: string): boolean => reason === 'reconnected' || reason === 'failed';

/**
 * The library's metrics, through `@opentelemetry/api`: no-ops until the app registers an SDK
 * meter provider, so nothing is exported unless the app asks. Names are the Prometheus ones
 * (the Prometheus exporter adds `_total` to counters). Labels are bounded: service names and fixed
 * enums, never instance ids, addresses or error texts. Gauges are read from `sources` when scraped.
 * @publicApi
 */
@Injectable()
export class RegistryMetrics {
  private readonly meter: Meter = metrics.getMeter('nest-service-registry');
  /**
   * Whether an SDK meter provider was registered before this was created. The API hands out the
   * same no-op meter forever otherwise (no proxy, unlike traces), so per-call timing is skipped.
   */
  readonly recording: boolean = this.meter.constructor !== NOOP_METER_CLASS;
  private readonly renewals: Counter = this.counter('registry_renewals', 'Lease renewals by outcome');
  private readonly renewalDuration: Histogram = this.seconds('registry_renewal_duration_seconds', 'Duration of one lease renewal');
  private readonly losses: Counter = this.counter(
    'registry_registration_losses',
    'Registrations found lost (lease gone, key deleted or overwritten)',
  );
  private readonly repairs: Counter = this.counter('registry_repairs', 'Repairs by reason: a key put back, a lost lease replaced');
  private readonly watchEvents: Counter = this.counter('registry_watch_events', 'Watch events applied to the cache, by type (put, delete)');
  private readonly resyncs: Counter = this.counter('registry_resyncs', 'Cache re-lists of a service, by reason');
  private readonly requests: Counter = this.counter('registry_client_requests', 'Calls through the registry clients, by outcome');
  private readonly requestDuration: Histogram = this.seconds(
    'registry_client_request_duration_seconds',
    'Duration of one call through a registry client',
  );
  private readonly ejections: Counter = this.counter('registry_ejections', 'Instances kept out of choice after a failure');
  private readonly returns: Counter = this.counter('registry_ejection_returns', 'Ejected instances back in choice');
  private readonly gauges: ObservableGauge[] = [];

  renewal(outcome: RenewalOutcome, seconds: number): void {
    this.renewals.add(1, { outcome });
    this.renewalDuration.record(seconds);
  }

  /**
   * One repair for `reason` (a key put back, or a lost lease replaced), in which `lost`
   * registrations that were confirmed until then were found gone (0 when already counted).
   */
  repair(reason: RepairReason, lost: number): void {
    this.repairs.add(1, { reason });
    if (lost > 0) this.losses.add(lost);
  }

  watched(type: 'put' | 'delete', count: number): void {
    if (count > 0) this.watchEvents.add(count, { type });
  }

  resynced(reason: ResyncReason): void {
    this.resyncs.add(1, { reason });
  }

  request(service: string, protocol: string, outcome: ClientOutcome, seconds: number): void {
    this.requests.add(1, { service, protocol, outcome });
    this.requestDuration.record(seconds, { service, protocol });
  }

  /** Starts timing one client call; the returned function records it once, with its outcome. */
  startCall(service: string, protocol: string): (outcome: ClientOutcome) => void {
    if (!this.recording) return ignoreOutcome;
    const started = performance.now();
    let recorded = false;
    return (outcome) => {
      if (recorded) return;
      recorded = true;
      this.request(service, protocol, outcome, (performance.now() - started) / 1000);
    };
  }

  /** Counts the discovery events that are metrics: an instance ejected, or returned from an ejection. */
  discoveryEvent(event: DiscoveryEvent): void {
    if (event.type === 'ejected' || event.type === 'returned')
      (event.type === 'ejected' ? this.ejections : this.returns).add(1, { service: event.serviceName });
  }

  /** Registers a gauge read at collection time: `read` returns one value per label set. */
  gauge(name: string, description: string, read: () => ReadonlyArray<readonly [number, Attributes?]>): void {
    const gauge = this.meter.createObservableGauge(name, { description });
    gauge.addCallback((result) => {
      for (const [value, attributes] of read()) result.observe(value, attributes);
    });
    this.gauges.push(gauge);
  }

  private counter(name: string, description: string): Counter {
    return this.meter.createCounter(name, { description });
  }

  private seconds(name: string, description: string): Histogram {
    return this.meter.createHistogram(name, { description, unit: 's', advice: { explicitBucketBoundaries: SECONDS } });
  }
}
