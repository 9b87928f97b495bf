import { Inject, Injectable, Optional, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { REGISTRY_OPTIONS } from '../registry.constants.js';
import type { ResolvedRegistryOptions } from '../interfaces/registry-module-options.interface.js';
import { delay } from '../util/with-timeout.js';
import { InFlight } from './in-flight.js';

/** What one drain did: how long it took and what was still in flight when the listeners stopped and at the end. @internal */
export interface DrainReport {
  readonly tookMs: number;
  /** HTTP requests and `@RpcService` message handlers running when the listeners stopped accepting. */
  readonly inFlightAtStop: number;
  /** Those still running when `shutdownTimeout` ran out (0 when everything finished). */
  readonly cutOff: number;
}

/**
 * The provider's side of a deploy no caller notices. After the instances were deregistered:
 *
 * 1. `drainDelay`: consumers learn of the removal through their watch, and calls they send
 *    meanwhile are served as usual, HTTP responses with `Connection: close`;
 * 2. every listener stops accepting (the HTTP server; each TCP microservice server that
 *    `registerMicroservices` handed over), and idle keep-alive connections close;
 * 3. the work in flight on every transport (HTTP requests, `@RpcService` message handlers over
 *    TCP and gRPC) finishes, for `shutdownTimeout` at most;
 * 4. what is left of the HTTP connections is closed, so no keep-alive socket holds the exit up.
 *    Nest then closes the servers as usual.
 * @internal
 */
@Injectable()
export class ShutdownDrain implements OnApplicationBootstrap {
  /** `@RpcService` message handlers running now (counted by `RpcCallsInFlight`). */
  readonly rpc = new InFlight();
  private readonly http = new InFlight<ServerResponse>();
  private readonly listeners: Array<() => void> = [];
  private server: Server | undefined;
  private draining = false;

  constructor(
    @Inject(REGISTRY_OPTIONS) private readonly options: ResolvedRegistryOptions,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    const server = this.adapterHost?.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server || typeof server.prependListener !== 'function' || this.server === server) return;
    this.server = server;
    // First of the request listeners, so the header is set before the app writes anything.
    server.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => {
      this.http.add(response);
      response.once('close', () => this.http.delete(response));
      if (this.draining) response.setHeader('Connection', 'close');
    });
  }

  /** Hands over a microservice listener: `stopAccepting()` closes it to new connections and keeps the open ones. */
  addListener(stopAccepting: () => void): void {
    this.listeners.push(stopAccepting);
  }

  /** Runs steps 1-4; `propagate` is false when this process registered nothing (no consumer to wait for). */
  async run(propagate: boolean): Promise<DrainReport> {
    const started = Date.now();
    this.draining = true;
    for (const response of this.http.current()) if (!response.headersSent) response.setHeader('Connection', 'close');
    if (propagate && this.options.drainDelay > 0) await delay(this.options.drainDelay);
    this.server?.close(); // stops accepting; Node closes the idle keep-alive connections too
    for (const stopAccepting of this.listeners) stopAccepting();
    const inFlightAtStop = this.http.size + this.rpc.size;
    const timeout = this.options.shutdownTimeout;
    await Promise.all([this.http.settled(timeout), this.rpc.settled(timeout)]);
    const cutOff = this.http.size + this.rpc.size;
    this.server?.closeAllConnections();
    return { tookMs: Date.now() - started, inFlightAtStop, cutOff };
  }
}
