import { encodeInstance, type ServiceInstance } from '../model/index.js';
import type { Registration } from './registration-state.js';

interface Wanted {
  readonly instance: ServiceInstance;
  readonly value: string;
  /**
   * Bumped by every new value and every repair request. A write confirms only the generation it
   * carried, so a repair that arrives while a put is in flight is not erased by that put's answer.
   */
  generation: number;
  /** Lease and generation of the last write the backend acknowledged. */
  confirmed: { readonly lease: string; readonly generation: number } | undefined;
  /** When the backend first confirmed this key ("Registered" was logged then). */
  firstConfirmedAt: Date | undefined;
  /** Another owner's lease that holds this key: it is not written until that owner's key is gone. */
  heldBy: string | undefined;
}

/** One write about to be sent: what to write at `key`, and the generation it will confirm. @internal */
export interface WriteTicket {
  readonly key: string;
  readonly value: string;
  readonly generation: number;
}

/** A write of one of our keys seen in the registry: the value and the lease it hangs off. @internal */
export interface ObservedWrite {
  readonly value: string;
  readonly lease?: string;
}

/** What to do about a write (or delete) of one of our keys seen in the registry. @internal */
export type ObservedVerdict = 'ignore' | 'repair' | 'yielded';

/**
 * What this process wants registered, key by key, and which of it the backend has confirmed on
 * which lease. Pure: no I/O, no timers, no logging.
 * @internal
 */
export class RegistrationTable {
  private readonly wanted = new Map<string, Wanted>();
  /** Every lease this process held while its keys were watched: writes on them are ours, even late. */
  private readonly ownLeases = new Set<string>();

  get size(): number {
    return this.wanted.size;
  }

  /** Keys, in registration order. */
  keys(): string[] {
    return [...this.wanted.keys()];
  }

  /** Wants `instance` at `key` (new, or a new value); it is unconfirmed until written. */
  set(key: string, instance: ServiceInstance): void {
    const previous = this.wanted.get(key);
    this.wanted.set(key, {
      instance,
      value: encodeInstance(instance),
      generation: (previous?.generation ?? 0) + 1,
      confirmed: undefined,
      firstConfirmedAt: previous?.firstConfirmedAt,
      heldBy: previous?.heldBy,
    });
  }

  /** Stops wanting `key`. Returns whether it was wanted. */
  remove(key: string): boolean {
    return this.wanted.delete(key);
  }

  /**
   * Someone wrote `key` (`seen`) or deleted it (`undefined`) while `lease` is ours. Not our key, or
   * our own write: `ignore`. Deleted, or overwritten with another value and no other live owner:
   * `repair`. Written on another owner's lease: that owner keeps it (no write war), `yielded` the
   * first time (to warn once). A foreign write seen late and followed by ours: we hold it again.
   * Also remembers `lease` as ours, so a late event of an earlier lease of ours is not foreign.
   */
  observe(key: string, seen: ObservedWrite | undefined, lease: string | undefined): ObservedVerdict {
    const entry = this.wanted.get(key);
    if (!entry) return 'ignore';
    if (!seen) return 'repair';
    if (lease !== undefined) this.ownLeases.add(lease);
    if (seen.lease !== undefined && !this.ownLeases.has(seen.lease)) return this.yieldTo(key, seen.lease) ? 'yielded' : 'ignore';
    if (seen.value !== entry.value) return 'repair';
    if (seen.lease !== undefined) this.reclaim(key, seen.lease);
    return 'ignore';
  }

  /** The value wanted at `key`, or `undefined` if the key is not one of ours. */
  expectedValue(key: string): string | undefined {
    return this.wanted.get(key)?.value;
  }

  /** The key must be written again (deleted or overwritten outside): a write in flight no longer confirms it. */
  invalidate(key: string): boolean {
    const entry = this.wanted.get(key);
    if (!entry) return false;
    this.unconfirm(entry, undefined);
    return true;
  }

  /**
   * Another owner (`lease`) holds the key: stop writing it until {@link invalidate} (its key was
   * deleted). Returns `true` when this is news (a different owner than before), to warn once.
   */
  yieldTo(key: string, lease: string): boolean {
    const entry = this.wanted.get(key);
    if (!entry || entry.heldBy === lease) return false;
    this.unconfirm(entry, lease);
    return true;
  }

  /** A write in flight no longer confirms `entry`; `heldBy` says whether another owner keeps it (then it is not written). */
  private unconfirm(entry: Wanted, heldBy: string | undefined): void {
    entry.generation++;
    entry.confirmed = undefined;
    entry.heldBy = heldBy;
  }

  /** The latest write of the key seen in the registry is ours after all (`lease`, our value): no other owner holds it. */
  reclaim(key: string, lease: string): void {
    const entry = this.wanted.get(key);
    if (!entry || entry.heldBy === undefined) return;
    entry.heldBy = undefined;
    entry.confirmed = { lease, generation: entry.generation };
  }

  /** What to send for `key` now, or `undefined` if it is no longer wanted. */
  ticket(key: string): WriteTicket | undefined {
    const entry = this.wanted.get(key);
    return entry && { key, value: entry.value, generation: entry.generation };
  }

  /**
   * Records that the write of `ticket` succeeded on `lease`. Returns the instance when this is
   * the first confirmation of the key (to announce it), `undefined` otherwise, including when the
   * key changed or was invalidated since the ticket was issued (the newer generation stays pending).
   */
  confirm(ticket: WriteTicket, lease: string): ServiceInstance | undefined {
    const entry = this.wanted.get(ticket.key);
    if (!entry || entry.generation !== ticket.generation) return undefined;
    entry.confirmed = { lease, generation: ticket.generation };
    if (entry.firstConfirmedAt) return undefined;
    entry.firstConfirmedAt = new Date();
    return entry.instance;
  }

  /** Whether the current value of `key` is confirmed on `lease`. */
  isConfirmed(key: string, lease: string | undefined): boolean {
    const entry = this.wanted.get(key);
    return (
      entry !== undefined && lease !== undefined && entry.confirmed?.lease === lease && entry.confirmed.generation === entry.generation
    );
  }

  /** Keys whose current value is not confirmed on `lease`, except those another owner holds. */
  pending(lease: string | undefined): string[] {
    return this.keys().filter((key) => !this.isConfirmed(key, lease) && this.wanted.get(key)?.heldBy === undefined);
  }

  /** One key as `registrations()` reports it, or `undefined` when not wanted. */
  registration(key: string, lease: string | undefined): Registration | undefined {
    const entry = this.wanted.get(key);
    if (!entry) return undefined;
    const { instance, heldBy, firstConfirmedAt } = entry;
    return Object.freeze({ key, instance, confirmed: this.isConfirmed(key, lease), heldBy, firstConfirmedAt });
  }

  /** Every wanted key with its confirmation on `lease` (frozen). */
  registrations(lease: string | undefined): readonly Registration[] {
    return Object.freeze(this.keys().map((key) => this.registration(key, lease)!));
  }
}
