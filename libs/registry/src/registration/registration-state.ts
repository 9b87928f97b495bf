import type { ServiceInstance } from '../model/index.js';

/** Where this process's lease stands. @publicApi */
export type LeaseState =
  /** Nothing registered yet. */
  | 'idle'
  /** Lease granted and renewed; every key confirmed. */
  | 'alive'
  /** Something is being repaired or the backend cannot be reached; retrying. */
  | 'degraded'
  /** Deregistered at shutdown. */
  | 'closed';

/** One instance this process registered. @publicApi */
export interface Registration {
  /** Key in the registry. */
  readonly key: string;
  /** The instance as last written. */
  readonly instance: ServiceInstance;
  /** Whether the latest write of this key was confirmed by the backend on the current lease. */
  readonly confirmed: boolean;
  /**
   * The lease (or session) of another process that holds this key: two processes advertise the
   * same address. This one does not overwrite it, and takes the key over once it is gone.
   */
  readonly heldBy: string | undefined;
  /** When the backend first confirmed this key; `undefined` while it was never registered. */
  readonly firstConfirmedAt?: Date;
}

/** Snapshot of the registration side, for `ServiceRegistry.status()` and health. @publicApi */
export interface RegistrationStatus {
  readonly state: LeaseState;
  /** Id of the lease every key hangs off (an etcd lease, a ZooKeeper session...), when one is held. */
  readonly leaseId: string | undefined;
  /** Lease TTL, seconds. */
  readonly ttl: number;
  /** Milliseconds left before the lease expires if no further renewal succeeds. */
  readonly ttlLeftMs: number | undefined;
  /** Last successful renewal (or grant). */
  readonly lastRenewal: Date | undefined;
  /** Successful keep-alives since start. */
  readonly renewals: number;
  /** Leases granted since start (1 + the number of times the lease had to be replaced). */
  readonly grants: number;
  /** Keys that were registered and are no longer confirmed (being put back). */
  readonly lostRegistrations: readonly string[];
  /** Keys never registered yet (the registry did not confirm a first write, e.g. down since boot). */
  readonly pendingRegistrations: readonly string[];
  /** Last error met, and when. Cleared by the next full success. */
  readonly lastError: string | undefined;
  readonly lastErrorAt: Date | undefined;
  readonly registrations: readonly Registration[];
}

/** What the lease holder reports for the status snapshot. @internal */
export type LeaseStats = Pick<RegistrationStatus, 'leaseId' | 'ttlLeftMs' | 'lastRenewal' | 'renewals' | 'grants'>;

/** The frozen status snapshot; lost and pending registrations are derived from the unconfirmed ones. @internal */
export function registrationStatus(parts: Omit<RegistrationStatus, 'lostRegistrations' | 'pendingRegistrations'>): RegistrationStatus {
  const unconfirmed = parts.registrations.filter((r) => !r.confirmed);
  const keys = (registered: boolean) =>
    Object.freeze(unconfirmed.filter((r) => (r.firstConfirmedAt !== undefined) === registered).map((r) => r.key));
  return Object.freeze({ ...parts, lostRegistrations: keys(true), pendingRegistrations: keys(false) });
}
