import { ClientTCP, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { ServiceInstance } from '../model/index.js';
import { withTimeout } from '../util/with-timeout.js';
import { addressOf } from '../discovery/call-attempts.js';
import type { ResolvedClientOptions } from './registry-client.options.js';

/**
 * Nest's own `ClientTCP` to one instance, with its request and event entry points public so the
 * registry client can tell a call that was never written from one that was. Socket errors are
 * reported through the calls they fail (and counted by the registry client), not logged here.
 * @internal
 */
export class InstanceConnection extends ClientTCP {
  /** Whether the socket is connected now (set when a connect succeeds, cleared when it closes). */
  ready = false;

  constructor(
    readonly instance: ServiceInstance,
    options: ResolvedClientOptions,
  ) {
    super({ ...options.tcp, host: instance.serviceHost, port: instance.servicePort });
  }

  override connect(): Promise<unknown> {
    const connecting = super.connect();
    void connecting.then(
      () => (this.ready = true),
      () => undefined, // reported to the caller of connect()
    );
    return connecting;
  }

  override handleClose(): void {
    this.ready = false;
    super.handleClose();
  }

  /** Requests sent on this connection that have not settled yet. */
  private pending = 0;
  private onIdle: (() => void) | undefined;

  /**
   * Sends one request packet; `callback` gets the answer(s). Returns Nest's teardown. The request
   * counts as pending until the caller calls {@link settled} once for it: after its final answer
   * (once Nest forgot the call: closing a retiring connection inside Nest's answer handling would
   * fail this very call again with "Connection closed") or after its teardown.
   */
  request(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    this.pending++;
    return this.publish(packet, callback);
  }

  /** One request sent with {@link request} is over; the last one lets a retiring connection close, in a later turn. */
  settled(): void {
    const onIdle = this.onIdle;
    if (--this.pending === 0 && onIdle) setImmediate(onIdle);
  }

  /** Runs `then` once no request is pending on this connection: now, when none is. */
  whenIdle(then: () => void): void {
    if (this.pending === 0) then();
    else this.onIdle = then;
  }

  /** Writes one event packet. */
  event(packet: ReadPacket): Promise<unknown> {
    return this.dispatchEvent(packet);
  }

  override handleError(): void {
    // The failure reaches the call that caused it; a second report here would only be noise.
  }
}

/** What the pool needs of a connection (an {@link InstanceConnection}; a fake in the unit spec). @internal */
export type PooledConnection = Pick<InstanceConnection, 'instance' | 'ready' | 'connect' | 'close' | 'whenIdle'>;

/**
 * One connection per instance, opened on first use. A connection that failed is closed at once
 * ({@link drop}); one whose instance left the registry ({@link retain}) is no longer handed out
 * and closes once its calls in flight have answered, or after `drainTimeout`, so a deploy never
 * cuts a call the pool itself could have let finish. @internal
 */
export class TcpConnectionPool<C extends PooledConnection = InstanceConnection> {
  private readonly connections = new Map<string, C>();
  /** Connections of instances that left, each with the timer that closes it at the latest. */
  private readonly retiring = new Map<C, NodeJS.Timeout>();

  constructor(
    private readonly options: Pick<ResolvedClientOptions, 'connectTimeout' | 'drainTimeout'>,
    private readonly create: (instance: ServiceInstance) => C,
  ) {}

  /** `host:port` of every open connection that calls may use. */
  addresses(): string[] {
    return [...this.connections.values()].map((c) => addressOf(c.instance)).sort();
  }

  /** How many connections of instances that left are still open for their calls in flight. */
  get draining(): number {
    return this.retiring.size;
  }

  /** The client of `instance` when it is connected now (the common case: no promise, no timer). */
  ready(instance: ServiceInstance): C | undefined {
    const connection = this.connections.get(instance.id);
    return connection?.ready ? connection : undefined;
  }

  /** The connected client of `instance`, connecting (within `connectTimeout`) when needed. Rejects when it cannot connect. */
  async connect(instance: ServiceInstance): Promise<C> {
    let connection = this.connections.get(instance.id);
    if (!connection) {
      connection = this.create(instance);
      this.connections.set(instance.id, connection);
    }
    try {
      await withTimeout(connection.connect(), this.options.connectTimeout, `connect to ${addressOf(instance)}`);
      return connection;
    } catch (error) {
      this.drop(instance);
      throw error;
    }
  }

  /** Closes the connection of an instance that failed, at once. */
  drop(instance: ServiceInstance): void {
    const connection = this.connections.get(instance.id);
    if (!connection) return;
    this.connections.delete(instance.id);
    connection.close();
  }

  /** Retires the connections of instances no longer in `live`: closed once their calls in flight answered. */
  retain(live: readonly ServiceInstance[]): void {
    const ids = new Set(live.map((i) => i.id));
    for (const [id, connection] of [...this.connections]) {
      if (ids.has(id)) continue;
      this.connections.delete(id);
      const latest = setTimeout(() => this.finish(connection), this.options.drainTimeout);
      latest.unref();
      this.retiring.set(connection, latest);
      connection.whenIdle(() => this.finish(connection));
    }
  }

  /** Closes every connection, retiring ones included. */
  close(): void {
    for (const connection of [...this.connections.values()]) this.drop(connection.instance);
    for (const connection of [...this.retiring.keys()]) this.finish(connection);
  }

  private finish(connection: C): void {
    if (!this.retiring.has(connection)) return; // closed already: its calls answered, or its time ran out
    clearTimeout(this.retiring.get(connection));
    this.retiring.delete(connection);
    connection.close();
  }
}
