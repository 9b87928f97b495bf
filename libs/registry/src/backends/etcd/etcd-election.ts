import type { Etcd3 } from 'etcd3';
import type { Candidacy, FencedWrite, RegistryLease } from '../registry-backend.js';
import { withTimeout } from '../../util/with-timeout.js';

type Operation = Parameters<ReturnType<Etcd3['if']>['then']>[0];

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

  put(key: string, value: string, expected?: string): Promise<FencedWrite> {
    return this.fenced(this.client.put(key).value(value), key, expected, `etcd fenced put ${key}`);
  }

  delete(key: string, expected?: string): Promise<FencedWrite> {
    return this.fenced(this.client.delete().key(key), key, expected, `etcd fenced delete ${key}`);
  }

  async resign(): Promise<void> {
    const lease = this.lease;
    this.dropLease();
    await lease?.revoke().catch(() => lease.release()); // revoking deletes the election key too
  }

  /** One transaction: the election key's create revision is the token (and `key` holds `expected`), then `operation`; else read the election key to tell why. */
  private async fenced(operation: Operation, key: string, expected: string | undefined, what: string): Promise<FencedWrite> {
    if (this.token === undefined) return 'fenced';
    const compare = this.client.if(this.key, 'Create', '==', this.token);
    if (expected !== undefined) compare.and(key, 'Value', '==', expected); // fails for an absent key too
    const result = await this.call(compare.then(operation).else(this.client.get(this.key)).commit(), what);
    if (result.succeeded) return 'written';
    if (result.responses[0]?.response_range?.kvs[0]?.create_revision === this.token) return 'changed';
    this.token = undefined;
    return 'fenced';
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
