import type { RegistryBackend, RegistryBackendFactory, WatchEvent, WatchListener } from '../../backends/registry-backend.js';
import { createServiceInstance, encodeInstance, instanceKey } from '../../model/index.js';

/** The hooks of your test framework (Jest, Vitest and node:test all have these). @publicApi */
export interface ConformanceTestApi {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>, timeout?: number): void;
  beforeAll(body: () => Promise<void>, timeout?: number): void;
  afterAll(body: () => Promise<void>, timeout?: number): void;
}

/** What the suite needs to know about, and do to, the backend under test and its server. @publicApi */
export interface ConformanceHarness {
  /** Name used in test titles, e.g. `etcd`. */
  readonly name: string;
  /** Lease TTL the suite uses, whole seconds (the backend's minimum is fine; 2 for etcd). */
  readonly ttl: number;
  /** Starts the server (once, before every test). */
  start(): Promise<void>;
  /** A backend factory connected to the running server (called for every backend the suite opens). */
  factory(): RegistryBackendFactory;
  /** Restarts the server; with `empty`, with no data (leases and keys gone). */
  restart(options: { empty: boolean }): Promise<void>;
  /** Stops the server (once, after every test). */
  stop(): Promise<void>;
}

/** Per-test deadline, milliseconds. @internal */
export const TIMEOUT = 30_000;

/** What every group of cases gets: the framework, the harness, and backends closed after the suite. @internal */
export interface ConformanceContext {
  readonly api: ConformanceTestApi;
  readonly harness: ConformanceHarness;
  /** A backend on the running server, closed after the suite. */
  readonly open: () => RegistryBackend;
  /** Closes every backend opened so far. */
  readonly closeOpened: () => Promise<void>;
}

/** Builds the shared state of one conformance run: value and key helpers, opened backends. @internal */
export function conformanceContext(api: ConformanceTestApi, harness: ConformanceHarness): ConformanceContext {
  const opened: RegistryBackend[] = [];
  return {
    api,
    harness,
    open: () => {
      const backend = harness.factory().create({ requestTimeout: 2_000 });
      opened.push(backend);
      return backend;
    },
    closeOpened: async () => {
      await Promise.all(opened.splice(0).map((backend) => backend.close()));
    },
  };
}

/** The encoded value of instance `127.0.0.1:port` of `service`. @internal */
export function value(service: string, port: number): string {
  return encodeInstance(
    createServiceInstance({ serviceName: service, serviceHost: '127.0.0.1', servicePort: port, registeredAt: 'conformance' }),
  );
}

/** The key of instance `127.0.0.1:port` of `service` in namespace `rpc`. @internal */
export function keyOf(service: string, port: number): string {
  return instanceKey('rpc', { serviceName: service, serviceVersion: '1.0', serviceHost: '127.0.0.1', servicePort: port });
}

/** The prefix of `service` in namespace `rpc`. @internal */
export const prefixOf = (service: string): string => `/rpc/${service}:1.0/`;

/** A listener that records events and resyncs. @internal */
export function recorder(): WatchListener & { events: WatchEvent[]; resyncs: string[] } {
  const events: WatchEvent[] = [];
  const resyncs: string[] = [];
  return {
    events,
    resyncs,
    onEvents: (batch) => events.push(...batch),
    onResync: (reason) => resyncs.push(reason),
    onConnectionChange: () => undefined,
  };
}

/** `[key, value]` of each entry, for comparisons. @internal */
export const pairs = (entries: readonly { key: string; value: string }[]): Array<[string, string]> => entries.map((e) => [e.key, e.value]);
