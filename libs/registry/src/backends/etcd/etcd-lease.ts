import type { Etcd3, Lease } from 'etcd3';
import type { RegistryLease } from '../registry-backend.js';
import { withTimeout } from '../../util/with-timeout.js';
import { etcd3 } from './etcd3.peer.js';
import { isAuthTokenError, renewAuthToken } from './etcd-auth-token.js';
import type { EtcdKeepAlives } from './etcd-keep-alives.js';

/** Whether an etcd error means "this lease does not exist any more". @internal */
export function isLeaseGone(error: unknown): boolean {
  if (error instanceof etcd3.EtcdLeaseInvalidError || error instanceof etcd3.GRPCNotFoundError) return true;
  const message = error instanceof Error ? error.message : String(error);
  return /lease not found|requested lease not found/i.test(message);
}

/**
 * A registry lease over one etcd lease, created with `autoKeepAlive: false`: the module's
 * renewal job calls {@link renew} (one keep-alive, on the backend's shared stream) every renewal
 * interval.
 * @internal
 */
export class EtcdLease implements RegistryLease {
  constructor(
    private readonly client: Etcd3,
    private readonly lease: Lease,
    readonly id: string,
    readonly ttl: number,
    private readonly keepAlives: EtcdKeepAlives,
    private readonly timeout: number,
    /** Turns a TLS/auth/permission failure into the error that says so (see explainEtcdError). */
    private readonly explain: (error: unknown) => unknown,
    /** Called once the lease is revoked or released (the backend stops tracking it). */
    private readonly onEnd: (lease: EtcdLease) => void,
  ) {}

  async put(key: string, value: string): Promise<void> {
    await withTimeout(this.lease.put(key).value(value).exec(), this.timeout, `etcd put ${key}`).catch(this.rethrow);
  }

  async delete(key: string): Promise<void> {
    await withTimeout(this.client.delete().key(key).exec(), this.timeout, `etcd delete ${key}`).catch(this.rethrow);
  }

  /**
   * One keep-alive, tried a second time at once if the first could not reach etcd: with several
   * endpoints the second goes to another member, so one dead member does not turn a healthy
   * lease into a failed renewal.
   */
  async renew(): Promise<boolean> {
    try {
      return await this.keepAliveOnce();
    } catch (error) {
      if (isLeaseGone(error)) return false;
      return this.keepAliveOnce();
    }
  }

  async revoke(): Promise<void> {
    try {
      const revoked = this.lease.revoke({ deadline: Date.now() + this.timeout });
      await withTimeout(revoked, this.timeout, `etcd revoke of lease ${this.id}`).catch(this.rethrow);
    } finally {
      this.onEnd(this);
    }
  }

  private readonly rethrow = (error: unknown): never => {
    throw this.explain(error);
  };

  release(): void {
    this.lease.release();
    this.onEnd(this);
  }

  private async keepAliveOnce(): Promise<boolean> {
    try {
      return (await this.keepAlives.renew(this.id, this.timeout, `etcd keep-alive of lease ${this.id}`)) > 0;
    } catch (error) {
      if (isLeaseGone(error)) return false;
      if (isAuthTokenError(error)) renewAuthToken(this.client, false, error); // keep-alives are streams: no re-auth of their own
      throw this.explain(error);
    }
  }
}
