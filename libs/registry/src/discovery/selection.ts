import { MESSAGES } from '../registry.messages.js';
import { DEFAULTS } from '../registry.constants.js';
import { NoInstancesError, RegistryOptionsError } from '../errors/registry.error.js';
import type { BackendEntry } from '../backends/registry-backend.js';
import { parseServiceKeyOf, type ServiceInstance } from '../model/index.js';
import type { CachedServiceStatus, ChooseOptions, InstanceQuery, ServiceSummary } from './discovery.interfaces.js';
import { isStrategy, pick, STRATEGIES } from './load-balancer.js';
import type { ServiceCacheEntry } from './service-cache-entry.js';
import { preferZone } from './zone-preference.js';
import { applyWarmup } from './warmup.js';
import { routeByTag } from './tag-routing.js';
import { coarseNow } from './coarse-clock.js';
import { checkVersionSplit, pickVersion } from './version-split.js';

/** The instances of a loaded entry that match `query` (frozen; `UP` only unless asked). @internal */
export function selectInstances(entry: ServiceCacheEntry, query: InstanceQuery): readonly ServiceInstance[] {
  const { group, protocol } = query;
  if (!query.includeUnavailable) return entry.matching(group, protocol);
  if (group === undefined && protocol === undefined) return entry.all;
  return Object.freeze(
    entry.all.filter((i) => (group === undefined || i.serviceGroup === group) && (protocol === undefined || i.protocol === protocol)),
  );
}

/** The zone a choice prefers: the call's `zone`, else the module's (`null`: none). @internal */
export function zoneOf(options: ChooseOptions | undefined, defaults: { readonly zone?: string | null }): string | null {
  return options?.zone === undefined ? (defaults.zone ?? null) : options.zone;
}

/** The slow start of a choice: the call's `warmup`, else the module's (0: none). @internal */
export function warmupOf(options: ChooseOptions | undefined, defaults: { readonly warmup?: number }): number {
  return options?.warmup ?? defaults.warmup ?? 0;
}

/** The `NoInstancesError` of a choice: service, version, protocol, and the tag when it was forced. @internal */
export function noInstancesFor(service: string, options: ChooseOptions): NoInstancesError {
  const version = options.version ?? DEFAULTS.serviceVersion;
  const forcedTag = options.forceTag ? options.tag : undefined;
  return new NoInstancesError(MESSAGES.noInstances(service, version, options.protocol, forcedTag), service, version);
}

/** The `UP` instances of a loaded entry a call may go to before health, zones and slow start: by group, protocol and tag. @internal */
export function routable(entry: ServiceCacheEntry, options: ChooseOptions | undefined): readonly ServiceInstance[] {
  const list = entry.matching(options?.group, options?.protocol);
  return entry.tagged || options?.tag !== undefined ? routeByTag(list, options?.tag, options?.forceTag) : list;
}

/** The versions a choice reads: those of its split, or its one `version` (`undefined`: the default). @internal */
export function versionsOf(options: ChooseOptions | undefined): ReadonlyArray<string | undefined> {
  return options?.versions ? Object.keys(checkVersionSplit('versions', options.versions)) : [options?.version];
}

/** The version of this call of a version split: drawn by weight among the versions with a routable instance (`entryOf` gives loaded entries). @internal */
export function splitVersion(options: ChooseOptions, entryOf: (version: string) => ServiceCacheEntry | undefined): string {
  const usable = (version: string) => {
    const entry = entryOf(version);
    return entry !== undefined && entry.loaded && routable(entry, options).length > 0;
  };
  return pickVersion(checkVersionSplit('versions', options.versions), Math.random(), usable);
}

/**
 * One `UP` instance of a loaded entry, of the call's tag (`routeByTag`), not ejected (unless
 * every one is), of `zone` while its health allows (see `preferZone`), thinned by slow start
 * (`applyWarmup`), by `options.strategy`.
 * Throws `NoInstancesError` naming the service and version, or `RegistryOptionsError` for a bad
 * strategy or a consistent hash without a key. @internal
 */
export function chooseInstance(entry: ServiceCacheEntry, options: ChooseOptions, zone: string | null = null, warmup = 0): ServiceInstance {
  const up = routable(entry, options);
  const matching = entry.outliers.filter(up);
  let candidates = options.exclude?.size ? matching.filter((i) => !options.exclude!.has(i.id)) : matching;
  if (zone !== null) candidates = preferZone(up, candidates, zone);
  if (warmup > 0) candidates = applyWarmup(candidates, warmup, coarseNow());
  if (candidates.length === 0) throw noInstancesFor(entry.serviceName, { ...options, version: entry.serviceVersion });
  const strategy = options.strategy ?? 'round-robin';
  if (!isStrategy(strategy)) throw new RegistryOptionsError(MESSAGES.unknownStrategy(strategy, STRATEGIES), 'strategy', strategy);
  if (strategy === 'consistent-hash' && typeof options.key !== 'string') {
    throw new RegistryOptionsError(MESSAGES.hashKeyRequired(entry.serviceName), 'key', options.key);
  }
  return pick(candidates, strategy, entry.balancer, options.key);
}

/** What `DiscoveryClient.status()` reports of one cached service. @internal */
export function describeEntry(entry: ServiceCacheEntry): CachedServiceStatus {
  const { staleSince, connected, lastError, revision } = entry.status();
  const { serviceName, serviceVersion } = entry;
  const counts = { instances: entry.all.length, up: entry.up.length };
  return { serviceName, serviceVersion, ...counts, stale: staleSince !== undefined, staleSince, connected, lastError, revision };
}

/** Services of a namespace read, with instance counts, sorted by name and version (frozen). @internal */
export function summarizeServices(namespace: string, entries: readonly BackendEntry[]): readonly ServiceSummary[] {
  const counts = new Map<string, ServiceSummary>();
  for (const { key, unreadable } of entries) {
    if (unreadable !== undefined) continue;
    const parsed = parseServiceKeyOf(namespace, key);
    if (!parsed) continue;
    const id = `${parsed.serviceName}:${parsed.serviceVersion}`;
    counts.set(id, { ...parsed, instances: (counts.get(id)?.instances ?? 0) + 1 });
  }
  return Object.freeze(
    [...counts.values()].sort((a, b) => (a.serviceName + a.serviceVersion).localeCompare(b.serviceName + b.serviceVersion)),
  );
}
