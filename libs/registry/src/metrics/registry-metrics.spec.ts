import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { CallFailedError, NoInstancesError } from '../errors/registry.error.js';
import { createServiceInstance } from '../model/index.js';
import { outcomeOf, RegistryMetrics } from './registry-metrics.js';

describe('outcomeOf (bounded label values)', () => {
  it('tells no instance, every attempt failed and an answered call apart', () => {
    expect(outcomeOf(new NoInstancesError('none', 'svc', '1.0'))).toBe('no_instance');
    expect(outcomeOf(new CallFailedError('all failed', 'svc', []))).toBe('failed');
    expect(outcomeOf(new Error('an RpcException the instance answered'))).toBe('ok');
  });

  it('counts an answer after failed attempts on other instances as retried', () => {
    expect(outcomeOf(undefined)).toBe('ok');
    expect(outcomeOf(undefined, 1)).toBe('retried');
    expect(outcomeOf(new Error('an RpcException the instance answered'), 2)).toBe('retried');
    expect(outcomeOf(new CallFailedError('all failed', 'svc', []), 3)).toBe('failed');
  });
});

describe('RegistryMetrics without an SDK', () => {
  it('knows it records nothing, so the clients skip timing each call', () => {
    const registry = new RegistryMetrics();
    expect(registry.recording).toBe(false);
    expect(() => registry.startCall('user-service', 'tcp')('ok')).not.toThrow();
  });
});

describe('RegistryMetrics with an SDK registered', () => {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const scrape = async () => new PrometheusSerializer().serialize((await exporter.collect()).resourceMetrics);

  beforeAll(() => {
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [exporter] }));
  });
  afterAll(() => {
    metrics.disable();
  });

  it('exports the documented Prometheus names with bounded labels', async () => {
    const registry = new RegistryMetrics();
    expect(registry.recording).toBe(true);
    registry.renewal('renewed', 0.004);
    registry.repair('key_deleted', 1);
    registry.repair('lease_lost', 0);
    const done = registry.startCall('user-service', 'http');
    done('ok');
    done('failed'); // recorded once
    const instance = createServiceInstance({ serviceName: 'user-service', serviceHost: 'h', servicePort: 1 });
    const service = { serviceName: 'user-service', serviceVersion: '1.0', instance };
    registry.discoveryEvent({ type: 'ejected', ...service, reason: 'connection', count: 1, duration: 1_000 });
    registry.discoveryEvent({ type: 'returned', ...service });
    registry.discoveryEvent({ type: 'added', ...service }); // not a metric
    registry.watched('delete', 2);
    registry.resynced('reconnected');
    registry.gauge('registry_stale_services', 'stale', () => [[3]]);
    const text = await scrape();
    for (const line of [
      /^registry_renewals_total\{outcome="renewed",.*\} 1$/m,
      /^registry_renewal_duration_seconds_count\{.*\} 1$/m,
      /^registry_registration_losses_total\{.*\} 1$/m,
      /^registry_repairs_total\{reason="key_deleted",.*\} 1$/m,
      /^registry_repairs_total\{reason="lease_lost",.*\} 1$/m,
      /^registry_client_requests_total\{service="user-service",protocol="http",outcome="ok",.*\} 1$/m,
      /^registry_client_request_duration_seconds_count\{service="user-service",protocol="http",.*\} 1$/m,
      /^registry_ejections_total\{service="user-service",.*\} 1$/m,
      /^registry_ejection_returns_total\{service="user-service",.*\} 1$/m,
      /^registry_watch_events_total\{type="delete",.*\} 2$/m,
      /^registry_resyncs_total\{reason="reconnected",.*\} 1$/m,
      /^registry_stale_services\{.*\} 3$/m,
    ]) {
      expect(text).toMatch(line);
    }
    expect(text).not.toMatch(/outcome="failed"/);
  });
});
