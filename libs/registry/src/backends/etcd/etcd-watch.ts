import type { Etcd3, IWatchResponse, Watcher } from 'etcd3';
import type { ResyncReason, WatchEvent, WatchListener, WatchSubscription } from '../registry-backend.js';
import { withTimeout } from '../../util/with-timeout.js';
import { isAuthTokenError, renewAuthToken } from './etcd-auth-token.js';

/** Longest wait for etcd to release a watch, milliseconds. */
const CANCEL_TIMEOUT = 2_000;
/**
 * Longest wait for a new watch to be confirmed by etcd, milliseconds. It normally takes one round
 * trip; one that never connects (as after a stale auth token, issue 11 D1) would leave its
 * services silently blind, so it reports a lost connection (stale, health down) and resyncs.
 * @internal
 */
export const CONNECT_TIMEOUT = 5_000;

/**
 * A cancel for compaction: etcd cancels a watch whose start revision was compacted with
 * `compact_revision` set and no `cancel_reason`, and etcd3 passes on only the reason, so its error
 * reads "Watcher canceled: " with nothing after (other cancels name their reason).
 */
const COMPACTED = /compacted|^Watcher canceled:\s*$/i;

/** Facts about the etcd cluster a watch's consumer last read from. @internal */
export interface ClusterView {
  /** `header.cluster_id` seen by the read that precedes the watch. */
  readonly clusterId: string | undefined;
}

/**
 * Adapts an `etcd3` prefix watcher to the backend contract, turning every situation in which
 * the stream may have skipped events into one `onResync` call (after which the watch is over):
 * an `error` (compaction, a refused create, a cancel), an `end` we did not ask for, a reconnect
 * (the client resumes from a revision that may be wrong after an empty restart, and advances it
 * before delivering replayed events), a different `cluster_id`, or no confirmation in time.
 * There is no check of the revision going backwards: a restore from a snapshot keeps the cluster
 * id, and the reconnect it causes already re-lists.
 * @internal
 */
export class EtcdWatch implements WatchSubscription {
  private readonly watcher: Watcher;
  private finished = false;
  private cancelled: Promise<void> | undefined;
  private disconnected = false;
  private connectTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: Etcd3,
    prefix: string,
    afterRevision: string,
    private readonly cluster: ClusterView,
    private readonly listener: WatchListener,
  ) {
    this.watcher = client
      .watch()
      .prefix(prefix)
      .startRevision((BigInt(afterRevision) + 1n).toString())
      .watcher();
    this.watcher
      .on('connected', (res) => this.onConnected(res))
      .on('disconnected', (error) => this.onDisconnected(error))
      .on('data', (res) => this.onData(res))
      .on('error', (error) => this.onError(error))
      .on('end', () => this.finish('the watch ended', undefined, 'ended'));
    this.connectTimer = setTimeout(() => {
      const error = new Error(`the watch of ${prefix} was not confirmed by etcd within ${CONNECT_TIMEOUT} ms`);
      this.onDisconnected(error);
      this.finish(error.message, error, 'unconfirmed');
    }, CONNECT_TIMEOUT);
    this.connectTimer.unref();
  }

  /** Cancels once; bounded, because etcd3's cancel of a watcher whose stream died may never resolve. */
  cancel(): Promise<void> {
    this.finished = true;
    clearTimeout(this.connectTimer);
    this.cancelled ??= withTimeout(this.watcher.cancel(), CANCEL_TIMEOUT, 'etcd watch cancel').catch(() => undefined);
    return this.cancelled;
  }

  private onConnected(res: IWatchResponse): void {
    clearTimeout(this.connectTimer);
    if (this.finished) return;
    if (this.disconnected) {
      this.finish('the watch reconnected; events may have been missed', undefined, 'reconnected');
      return;
    }
    if (this.checkHeader(res)) this.listener.onConnectionChange(true);
  }

  /** Refused (a stale auth token), compacted or cancelled by etcd: the consumer re-lists. */
  private onError(error: unknown): void {
    // A refused create stalls etcd3's shared watch stream: re-open it with a fresh token.
    if (isAuthTokenError(error)) {
      renewAuthToken(this.client, true, error);
      this.finish('etcd refused the watch', error, 'refused');
    } else if (COMPACTED.test(String((error as Error | undefined)?.message))) {
      this.finish('the revision to resume from was compacted', error, 'compacted');
    } else {
      this.finish('the watch failed', error, 'failed');
    }
  }

  private onDisconnected(error: unknown): void {
    if (isAuthTokenError(error)) renewAuthToken(this.client, false, error); // the stream reconnects by itself
    if (this.finished) return;
    this.disconnected = true;
    this.listener.onConnectionChange(false, error);
  }

  private onData(res: IWatchResponse): void {
    if (this.finished || !this.checkHeader(res) || res.events.length === 0) return;
    const events: WatchEvent[] = [];
    for (const event of res.events) {
      const key = event.kv.key.toString();
      const revision = event.kv.mod_revision;
      if (event.type === 'Put') {
        const lease = event.kv.lease;
        events.push({ type: 'put', key, value: event.kv.value.toString(), lease: lease === '0' ? undefined : lease, revision });
      } else {
        events.push({ type: 'delete', key, revision });
      }
    }
    this.listener.onEvents(events);
  }

  /** False (and resync) when the response comes from another cluster. */
  private checkHeader(res: IWatchResponse): boolean {
    const clusterId = res.header?.cluster_id;
    if (this.cluster.clusterId !== undefined && clusterId !== undefined && clusterId !== this.cluster.clusterId) {
      const detail = `the etcd cluster id changed (${this.cluster.clusterId} -> ${clusterId}): etcd was replaced or restarted empty`;
      this.finish(detail, undefined, 'cluster_changed');
      return false;
    }
    return true;
  }

  private finish(detail: string, error: unknown, reason: ResyncReason): void {
    if (this.finished) return;
    void this.cancel();
    this.listener.onResync(detail, error, reason);
  }
}
