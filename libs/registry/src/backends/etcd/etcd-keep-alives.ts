import type { IDuplexStream, ILeaseKeepAliveRequest, ILeaseKeepAliveResponse } from 'etcd3';
import { withTimeout } from '../../util/with-timeout.js';

/** The keep-alive stream as this class uses it (etcd3's duplex stream; a fake in the unit spec). @internal */
export type KeepAliveStream = Pick<IDuplexStream<ILeaseKeepAliveRequest, ILeaseKeepAliveResponse>, 'on' | 'write' | 'end'>;

interface Waiter {
  resolve(ttl: number): void;
  reject(error: unknown): void;
}

/**
 * One `LeaseKeepAlive` stream per backend, shared by every lease it renews (as etcd's Go client
 * does), instead of a stream opened and closed per renewal: a renewal is one message each way,
 * and etcd holds one stream per process however many leases or renewals it has. Opened on the
 * first renewal; an error, an end or a renewal past its deadline drops it (every renewal waiting
 * on it fails), and the next renewal opens a new one, on whichever member the client picks.
 * @internal
 */
export class EtcdKeepAlives {
  private stream: Promise<KeepAliveStream> | undefined;
  /** Renewals waiting for their answer, by lease id, oldest first (etcd answers each in order). */
  private readonly waiting = new Map<string, Waiter[]>();

  constructor(
    /** Opens a new stream (etcd3's `leaseClient.leaseKeepAlive()`). */
    private readonly open: () => Promise<KeepAliveStream>,
    /** Turns a stream's gRPC error into etcd3's typed error. */
    private readonly cast: (error: Error) => unknown = (error) => error,
  ) {}

  /** One keep-alive of lease `id`: the TTL etcd answers (0 or less: the lease is gone). Rejects past `timeout` ms. */
  async renew(id: string, timeout: number, what: string): Promise<number> {
    const stream = this.current();
    try {
      return await withTimeout(this.send(stream, id), timeout, what);
    } catch (error) {
      this.drop(stream, error); // a stream that does not answer in time is not trusted again
      throw error;
    }
  }

  /** Ends the stream (the backend closes): renewals waiting on it fail. */
  close(): void {
    if (this.stream) this.drop(this.stream, new Error('the etcd backend was closed'));
  }

  private current(): Promise<KeepAliveStream> {
    if (!this.stream) {
      const opening = this.open().then((stream) => {
        stream.on('data', (response: ILeaseKeepAliveResponse) => this.answer(String(response.ID), Number(response.TTL)));
        stream.on('error', (error: Error) => this.drop(opening, this.cast(error)));
        stream.on('end', () => this.drop(opening, new Error('the etcd keep-alive stream ended')));
        return stream;
      });
      opening.catch((error: unknown) => this.drop(opening, error));
      this.stream = opening;
    }
    return this.stream;
  }

  private async send(opening: Promise<KeepAliveStream>, id: string): Promise<number> {
    const stream = await opening;
    if (this.stream !== opening) throw new Error('the etcd keep-alive stream was dropped');
    return new Promise<number>((resolve, reject) => {
      const list = this.waiting.get(id);
      if (list) list.push({ resolve, reject });
      else this.waiting.set(id, [{ resolve, reject }]);
      stream.write({ ID: id });
    });
  }

  private answer(id: string, ttl: number): void {
    const list = this.waiting.get(id);
    const waiter = list?.shift();
    if (list?.length === 0) this.waiting.delete(id);
    waiter?.resolve(ttl);
  }

  /** Forgets `opening` (when it is still the stream) and fails every renewal waiting on it. */
  private drop(opening: Promise<KeepAliveStream>, error: unknown): void {
    if (this.stream !== opening) return;
    this.stream = undefined;
    const waiters = [...this.waiting.values()].flat();
    this.waiting.clear();
    for (const waiter of waiters) waiter.reject(error);
    opening.then(
      (stream) => stream.end(),
      () => undefined,
    );
  }
}
