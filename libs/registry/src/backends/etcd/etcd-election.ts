import type { Etcd3 } from 'etcd3';
import type { Candidacy, RegistryLease } from '../registry-backend.js';
import { withTimeout } from '../../util/with-timeout.js';

/**
 * A candidate of an etcd election: the election key, created on the candidate's own lease only if
 * absent (a transaction comparing its create revision with 0). Whoever created it leads; the
 * create revision is the fencing token, and every fenced write is a transaction that compares the
 * election key's create revision with it. When the leader stops renewing, its lease expires,
 * etcd deletes the key, and the next campaign of another candidate creates it. @internal
 */
export class EtcdCandidacy implements Candidacy {
  private lease: RegistryLease | undefined;
  token: string | undefined;

  constructor(
    private readonly client: Etcd3,
    private readonly key: string,
    private readonly ttl: number,
    private readonly grant: (ttl: number) => Promise<RegistryLease>,
    private readonly timeout: number,
    private readonly explain: (error: unknown) => unknown,
  ) {}

  async campaign(): Promise<boolean> {
    if (this.lease && !(await this.lease.renew().catch((error: unknown) => this.lost(error)))) this.dropLease();
    this.lease ??= await this.grant(this.ttl);
    const lease = this.lease.id;
    const txn = this.client
      .if(this.key, 'Create', '==', 0)
      .then(this.client.put(this.key).value(lease).lease(lease))
      .else(this.client.get(this.key))
      .commit();
    const result = await this.call(txn, `etcd election ${this.key}`);
    const held = result.succeeded ? undefined : result.responses[0]?.response_range?.kvs[0];
    if (result.succeeded) this.token = result.header.revision;
    else this.token = held && held.lease === lease ? held.create_revision : undefined;
    return this.token !== undefined;
  }

  async put(key: string, value: string): Promise<boolean> {
    return this.fenced(this.client.put(key).value(value), `etcd fenced put ${key}`);
  }

  async delete(key: string): Promise<boolean> {
    return this.fenced(this.client.delete().key(key), `etcd fenced delete ${key}`);
  }

  async resign(): Promise<void> {
    const lease = this.lease;
    this.dropLease();
    await lease?.revoke().catch(() => lease.release()); // revoking deletes the election key too
  }

  private async fenced(operation: Parameters<ReturnType<Etcd3['if']>['then']>[0], what: string): Promise<boolean> {
    if (this.token === undefined) return false;
    const txn = this.client.if(this.key, 'Create', '==', this.token).then(operation).commit();
    const result = await this.call(txn, what);
    if (!result.succeeded) this.token = undefined;
    return result.succeeded;
  }

  /** A renewal that could not reach etcd: keep no claim we cannot vouch for, and report the failure. */
  private lost(error: unknown): never {
    this.token = undefined;
    throw error;
  }

  private dropLease(): void {
    this.lease = undefined;
    this.token = undefined;
  }

  private call<T>(request: Promise<T>, what: string): Promise<T> {
    return withTimeout(request, this.timeout, what).catch((error: unknown) => {
      throw this.explain(error);
    });
  }
}
