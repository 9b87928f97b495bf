import { TAGS_METADATA_KEY } from './tag-routing.js';
import type { BackendEntry, WatchEvent } from '../backends/registry-backend.js';
import { decodeInstance, instanceKey, keyUnder, sameInstance, servicePrefix, type ServiceInstance } from '../model/index.js';

const EMPTY: readonly ServiceInstance[] = Object.freeze([]);

/** One difference applied to an {@link InstanceSet}. @internal */
export type InstanceChange =
  | { readonly type: 'added'; readonly instance: ServiceInstance }
  | { readonly type: 'updated'; readonly instance: ServiceInstance; readonly previous: ServiceInstance }
  | { readonly type: 'removed'; readonly instance: ServiceInstance };

/**
 * The instances of one service by key, and frozen views of them. Pure: no I/O, no timers.
 *
 * - A value equal (field by field) to the cached one changes nothing.
 * - A malformed value removes the key and is reported once per (key, value); so is a value stored
 *   under a key other than its own (another service, version or address, an extra level, bytes
 *   that are not UTF-8): a foreign key cannot make consumers call somewhere else.
 * - `up` / `all` are rebuilt by {@link commit} only, so reads neither filter nor copy.
 * @internal
 */
export class InstanceSet {
  /** Frozen `UP` instances. Order: the first read's key order, then arrival order. */
  up: readonly ServiceInstance[] = EMPTY;
  /** Frozen instances of every status, same order. */
  all: readonly ServiceInstance[] = EMPTY;

  private readonly byKey = new Map<string, ServiceInstance>();
  /** Whether any instance carries tags (else tag routing has nothing to do: checked without a lookup). */
  tagged = false;
  private readonly malformed = new Map<string, string>();
  /** `matching()` results by group, then protocol (`undefined`: any): looked up without allocating. */
  private readonly groups = new Map<string | undefined, Map<string | undefined, readonly ServiceInstance[]>>();
  /** `/{namespace}/{serviceName}:{serviceVersion}/`, the start of every key of this set. */
  private readonly prefix: string;

  constructor(
    /** The service whose instances this set holds: each key is checked against its value. */
    private readonly service: { readonly namespace: string; readonly serviceName: string; readonly serviceVersion: string },
    private readonly reportMalformed: (key: string, reason: string) => void,
  ) {
    this.prefix = servicePrefix(service.namespace, service.serviceName, service.serviceVersion);
  }

  get size(): number {
    return this.byKey.size;
  }

  /**
   * Applies a written value; calls `onChange` and returns `true` when the set changed. With
   * `unreadable` (why the backend could not read the value), the key is skipped like a malformed one.
   */
  put(key: string, raw: string, onChange?: (change: InstanceChange) => void, unreadable?: string): boolean {
    const previous = this.byKey.get(key);
    const decoded = this.decode(key, raw, unreadable);
    if (!decoded) return this.delete(key, onChange);
    this.malformed.delete(key);
    if (previous && sameInstance(previous, decoded.instance)) return false;
    this.byKey.set(key, decoded.instance);
    onChange?.(previous ? { type: 'updated', instance: decoded.instance, previous } : { type: 'added', instance: decoded.instance });
    return true;
  }

  /** The instance of a value, or `undefined` after reporting it malformed (once per key and value). */
  private decode(key: string, raw: string, unreadable: string | undefined): { instance: ServiceInstance } | undefined {
    const decoded = unreadable === undefined ? decodeInstance(raw) : ({ ok: false, reason: unreadable } as const);
    const reason = decoded.ok ? this.foreignKey(key, decoded.instance) : decoded.reason;
    if (decoded.ok && reason === undefined) return decoded;
    if (this.malformed.get(key) !== raw) {
      this.malformed.set(key, raw);
      this.reportMalformed(key, reason!);
    }
    return undefined;
  }

  /** Why `key` is not the key of `instance` in this service, or `undefined` when it is. */
  private foreignKey(key: string, instance: ServiceInstance): string | undefined {
    // From the set's own prefix: a cold read checks thousands of keys, and this builds one string each.
    const { serviceName, serviceVersion } = this.service;
    if (instance.serviceName === serviceName && instance.serviceVersion === serviceVersion && key === keyUnder(this.prefix, instance)) {
      return undefined;
    }
    const own = instanceKey(this.service.namespace, instance);
    return key === own ? `the key is not under ${this.prefix}` : `the value is the instance ${own}, not the one of this key`;
  }

  /** Removes a key; calls `onChange` and returns `true` when it was there. */
  delete(key: string, onChange?: (change: InstanceChange) => void): boolean {
    const previous = this.byKey.get(key);
    if (!previous) return false;
    this.byKey.delete(key);
    onChange?.({ type: 'removed', instance: previous });
    return true;
  }

  /** Applies watch events in order; returns whether the set changed. */
  applyEvents(events: readonly WatchEvent[], onChange?: (change: InstanceChange) => void): boolean {
    let changed = false;
    for (const event of events) {
      const applied = event.type === 'put' ? this.put(event.key, event.value, onChange) : this.delete(event.key, onChange);
      changed = applied || changed;
    }
    return changed;
  }

  /** Makes the set equal to a full read, reporting each difference. Returns whether anything changed. */
  replace(entries: readonly BackendEntry[], onChange?: (change: InstanceChange) => void): boolean {
    if (this.byKey.size === 0 && this.malformed.size === 0) {
      // First read (a cold read of thousands): nothing to compare with or remove, keys are distinct.
      for (const entry of entries) {
        const decoded = this.decode(entry.key, entry.value, entry.unreadable);
        if (!decoded) continue;
        this.byKey.set(entry.key, decoded.instance);
        onChange?.({ type: 'added', instance: decoded.instance });
      }
      return this.byKey.size > 0;
    }
    let changed = false;
    const seen = new Set<string>();
    for (const entry of entries) {
      seen.add(entry.key);
      changed = this.put(entry.key, entry.value, onChange, entry.unreadable) || changed;
    }
    for (const key of [...this.byKey.keys()]) if (!seen.has(key)) changed = this.delete(key, onChange) || changed;
    for (const key of [...this.malformed.keys()]) if (!seen.has(key)) this.malformed.delete(key);
    return changed;
  }

  /**
   * Rebuilds the frozen views after changes, in one pass: O(instances of the service) per commit,
   * the price of readers getting immutable arrays without copying (docs/scale.md).
   */
  commit(): void {
    const all = new Array<ServiceInstance>(this.byKey.size);
    const up: ServiceInstance[] = [];
    let tagged = false;
    let i = 0;
    for (const instance of this.byKey.values()) {
      all[i++] = instance;
      if (instance.status === 'UP') up.push(instance);
      if (!tagged && instance.metadata[TAGS_METADATA_KEY] !== undefined) tagged = true;
    }
    this.all = Object.freeze(all);
    this.up = Object.freeze(up);
    this.tagged = tagged;
    this.groups.clear();
  }

  /** `UP` instances of a group and/or protocol (`undefined`: any), memoised until the next commit. */
  matching(group: string | undefined, protocol: string | undefined): readonly ServiceInstance[] {
    if (group === undefined && protocol === undefined) return this.up;
    let byProtocol = this.groups.get(group);
    if (!byProtocol) this.groups.set(group, (byProtocol = new Map<string | undefined, readonly ServiceInstance[]>()));
    let list = byProtocol.get(protocol);
    if (!list) {
      list = Object.freeze(
        this.up.filter((i) => (group === undefined || i.serviceGroup === group) && (protocol === undefined || i.protocol === protocol)),
      );
      byProtocol.set(protocol, list);
    }
    return list;
  }
}
