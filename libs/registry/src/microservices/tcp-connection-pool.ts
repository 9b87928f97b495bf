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

  /** Sends one request packet; `callback` gets the answer(s). Returns the teardown. */
  request(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    return this.publish(packet, callback);
  }

  /** Writes one event packet. */
  event(packet: ReadPacket): Promise<unknown> {
    return this.dispatchEvent(packet);
  }

  override handleError(): void {
    // The failure reaches the call that caused it; a second report here would only be noise.
  }
}

/**
 * One connection per instance, opened on first use and closed when the instance leaves the
 * registry ({@link retain}) or fails ({@link drop}). @internal
 */
export class TcpConnectionPool {
  private readonly connections = new Map<string, InstanceConnection>();

  constructor(private readonly options: ResolvedClientOptions) {}

  /** `host:port` of every open connection. */
  addresses(): string[] {
    return [...this.connections.values()].map((c) => addressOf(c.instance)).sort();
  }

  /** The client of `instance` when it is connected now (the common case: no promise, no timer). */
  ready(instance: ServiceInstance): InstanceConnection | undefined {
    const connection = this.connections.get(instance.id);
    return connection?.ready ? connection : undefined;
  }

  /** The connected client of `instance`, connecting (within `connectTimeout`) when needed. Rejects when it cannot connect. */
  async connect(instance: ServiceInstance): Promise<InstanceConnection> {
    let connection = this.connections.get(instance.id);
    if (!connection) {
      connection = new InstanceConnection(instance, this.options);
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

  /** Closes the connection of an instance that failed. */
  drop(instance: ServiceInstance): void {
    const connection = this.connections.get(instance.id);
    if (!connection) return;
    this.connections.delete(instance.id);
    connection.close();
  }

  /** Closes the connections of instances no longer in `live`. */
  retain(live: readonly ServiceInstance[]): void {
    const ids = new Set(live.map((i) => i.id));
    for (const connection of [...this.connections.values()]) if (!ids.has(connection.instance.id)) this.drop(connection.instance);
  }

  /** Closes every connection. */
  close(): void {
    for (const connection of [...this.connections.values()]) this.drop(connection.instance);
  }
}
