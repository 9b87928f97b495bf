import type { Candidacy, FencedWrite } from '../registry-backend.js';
import { withTimeout } from '../../util/with-timeout.js';
import { zookeeperClient as zookeeper } from './zookeeper.peer.js';
import type { ZkClient } from './zk-client.js';
import { NO_OWNER, parentZnode } from './zk-layout.js';

/** Writes the persistent znode `path` = `data`, replacing an ephemeral one (a process's instance) at the same path. @internal */
export async function putPersistent(client: ZkClient, path: string, data: string): Promise<void> {
  await client.mkdirp(parentZnode(path));
  if (await client.create(path, data, zookeeper.CreateMode.PERSISTENT)) return;
  const stat = await client.exists(path);
  if (stat && stat.ephemeralOwner.toString('hex') === NO_OWNER) return client.setData(path, data);
  await client.remove(path);
  if (!(await client.create(path, data, zookeeper.CreateMode.PERSISTENT)))
    throw new Error(`zookeeper: ${path} was created again concurrently`);
}

/** Where a permanent or fenced write of a key goes: the znode, what it holds, and the registry value a znode's data stands for. @internal */
export interface ZkWrite {
  readonly path: string;
  readonly data: string;
  /** The registry value of `data` read from this znode (what `list()` reports). */
  readonly value: (data: string) => string;
}

/**
 * A candidate of a ZooKeeper election (Curator's leader latch): an ephemeral sequential znode
 * under the election's znode, on a session of its own whose timeout is the claim's TTL. The
 * lowest sequence leads; its sequence number is the fencing token. A fenced write is a multi-op
 * that first checks the candidate's znode still exists: once the session expired (a frozen or
 * partitioned leader), the znode is gone and the write fails as a whole. A candidate that stops
 * campaigning for `ttl` closes its session itself. @internal
 */
export class ZkCandidacy implements Candidacy {
  private client: ZkClient | undefined;
  private node: string | undefined;
  /** Ends the claim `ttl` after the last campaign, as on the other backends (the session alone would keep it while the process lives). */
  private watchdog: NodeJS.Timeout | undefined;
  token: string | undefined;

  constructor(
    private readonly dir: string,
    private readonly session: () => ZkClient,
    private readonly drop: (client: ZkClient) => void,
    private readonly target: (key: string, value: string) => ZkWrite,
    private readonly timeout: number,
    private readonly ttl: number,
  ) {}

  async campaign(): Promise<boolean> {
    this.token = undefined;
    if (this.client?.lost) this.reset();
    this.client ??= this.session();
    await this.client.connected();
    if (!this.node) {
      await this.client.mkdirp(this.dir);
      this.node = await this.client.create(`${this.dir}/n_`, '', zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL);
    }
    const children = ((await this.client.getChildren(this.dir)) ?? []).sort();
    const mine = this.node!.slice(this.dir.length + 1);
    if (!children.includes(mine))
      this.reset(); // expired with its session: a new znode next time
    else if (children[0] === mine) this.token = String(Number(mine.slice(2)));
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => this.reset(), this.ttl * 1000).unref();
    return this.token !== undefined;
  }

  async put(key: string, value: string, expected?: string): Promise<FencedWrite> {
    const { path, data, value: valueOf } = this.target(key, value);
    if (this.token === undefined || !this.client) return 'fenced';
    await this.client.mkdirp(parentZnode(path));
    const current = await this.client.getData(path);
    if (expected !== undefined && (!current || valueOf(current.data) !== expected)) return 'changed';
    // node-zookeeper-client's Transaction turns version 0 into -1 (any): a znode never changed since
    // it was created is compared by the read above only.
    return this.multi(`fenced put ${path}`, (txn) =>
      current
        ? txn.setData(path, Buffer.from(data), expected === undefined ? -1 : current.stat.version) // compared: a write since the read fails the multi-op
        : txn.create(path, Buffer.from(data), this.client!.acls, zookeeper.CreateMode.PERSISTENT),
    );
  }

  async delete(key: string, expected?: string): Promise<FencedWrite> {
    const { path, value: valueOf } = this.target(key, '');
    if (this.token === undefined || !this.client) return 'fenced';
    const current = await this.client.getData(path);
    if (expected !== undefined && (!current || valueOf(current.data) !== expected)) return 'changed';
    if (!current) return 'written';
    return this.multi(`fenced delete ${path}`, (txn) => txn.remove(path, expected === undefined ? -1 : current.stat.version));
  }

  async resign(): Promise<void> {
    // The znode first, while the session is open (closing removes it too, but unconfirmed); then the session.
    if (this.client && this.node) await this.client.remove(this.node).catch(() => undefined);
    this.reset();
  }

  private reset(): void {
    clearTimeout(this.watchdog);
    if (this.client) this.drop(this.client);
    this.client = undefined;
    this.node = undefined;
    this.token = undefined;
  }

  /**
   * Commits `check(candidate znode)` + `operation` as one multi-op. When it fails: `fenced` (and no
   * claim any more) if the candidate's znode is gone, else `changed` (the target's version moved).
   */
  private async multi(what: string, operation: (txn: Transaction) => Transaction): Promise<FencedWrite> {
    const client = this.client!;
    const txn = operation(client.raw.transaction().check(this.node!, -1));
    const failed = await withTimeout(
      new Promise<unknown>((resolve) => txn.commit((error: unknown) => resolve(error ?? undefined))),
      this.timeout,
      `zookeeper ${what}`,
    );
    if (failed === undefined) return 'written';
    if (client.lost || client.disconnectedAt !== undefined)
      throw new Error(`zookeeper ${what} failed while disconnected`, { cause: failed });
    if (await client.exists(this.node!)) return 'changed';
    this.token = undefined;
    return 'fenced';
  }
}

type Transaction = ReturnType<ZkClient['raw']['transaction']>;
