import type { ResyncReason, WatchEvent, WatchListener, WatchSubscription } from '../registry-backend.js';
import type { ZkClient } from './zk-client.js';
import type { ZkLayout } from './zk-layout.js';

/**
 * A watch on the children of one service znode. ZooKeeper watches are one-shot and carry no
 * data, so each notification re-arms them and re-reads; the new state is compared with the last
 * one (starting from the snapshot of the read the watch continues from), and the difference is
 * delivered as puts and deletes. A reconnect or a lost reader session ends it with a resync.
 * @internal
 */
export class ZooKeeperWatch implements WatchSubscription {
  private active = true;
  private running = false;
  private dirty = false;
  private readonly onNotification = (): void => void this.refresh();
  private readonly onDisconnected = (): void => {
    this.disconnected = true;
    if (this.active) this.listener.onConnectionChange(false, 'disconnected from ZooKeeper');
  };
  private readonly onConnected = (): void => {
    if (this.disconnected) this.finish('reconnected to ZooKeeper; changes may have been missed', undefined, 'reconnected');
  };
  private disconnected = false;

  constructor(
    private readonly client: ZkClient,
    private readonly prefix: string,
    private known: Map<string, string>,
    private readonly listener: WatchListener,
    private readonly layout: ZkLayout,
  ) {
    client.raw.on('disconnected', this.onDisconnected);
    client.raw.on('connected', this.onConnected);
    void this.refresh().then(() => this.active && this.listener.onConnectionChange(true));
  }

  async cancel(): Promise<void> {
    this.stop();
  }

  /** Ends the watch with a resync (the backend calls this when it replaces a lost reader). */
  finish(detail: string, error: unknown, reason: ResyncReason): void {
    if (!this.active) return;
    this.stop();
    this.listener.onResync(detail, error, reason);
  }

  private stop(): void {
    this.active = false;
    this.client.raw.removeListener('disconnected', this.onDisconnected);
    this.client.raw.removeListener('connected', this.onConnected);
  }

  private async refresh(): Promise<void> {
    if (!this.active) return;
    if (this.running) {
      this.dirty = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.dirty = false;
        await this.readAndDiff();
      } while (this.dirty && this.active);
    } catch (error) {
      this.finish('the ZooKeeper watch failed', error, 'failed');
    } finally {
      this.running = false;
    }
  }

  private async readAndDiff(): Promise<void> {
    const path = this.layout.path(this.prefix);
    const children = await this.client.getChildren(path, this.onNotification);
    // No service znode yet: wait for it with an exists watch. If it was created between the two
    // calls, that watch only covers its data, so read again to arm the children watch.
    if (children === undefined && (await this.client.exists(path, this.onNotification))) {
      this.dirty = true;
      return;
    }
    const now = new Map<string, { value: string; revision: string }>();
    await Promise.all(
      (children ?? []).map(async (name) => {
        const read = await this.client.getData(`${path}/${name}`, this.onNotification);
        if (read) {
          const key = this.layout.key(this.prefix, name, read.data);
          now.set(key, { value: this.layout.decode(this.prefix, read.data), revision: read.stat.mzxid.toString('hex') });
        }
      }),
    );
    if (!this.active) return;
    const puts: WatchEvent[] = [];
    const deletes: WatchEvent[] = [];
    for (const [key, { value, revision }] of now) {
      if (this.known.get(key) !== value) puts.push({ type: 'put', key, value, revision });
    }
    for (const key of this.known.keys()) if (!now.has(key)) deletes.push({ type: 'delete', key, revision: '' });
    this.known = new Map([...now].map(([key, { value }]) => [key, value]));
    const events = [...puts.sort((a, b) => (a.key < b.key ? -1 : 1)), ...deletes];
    if (events.length > 0) this.listener.onEvents(events);
  }
}
