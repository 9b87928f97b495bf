import { UseInterceptors } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { RpcCallsInFlight } from '../drain/rpc-calls.interceptor.js';

/** What `@RpcService()` declares about the class it marks. Every field is optional. @publicApi */
export interface RpcServiceOptions {
  /** Service name; default the class name. Letters, digits, `.`, `_`, `-`. */
  name?: string;
  /** Service version; default `"1.0"`. */
  version?: string;
  /** Group; default `"default"`. */
  group?: string;
  /** Integer weight for weighted balancing; default 100. */
  weight?: number;
  /** Zone / locality label. */
  zone?: string;
  /** Extra string metadata published with the instance. */
  metadata?: Record<string, string>;
  /** Protocol consumers should speak on the HTTP endpoint; default `"http"`. A microservice endpoint advertises its server's (`"tcp"`). */
  protocol?: string;
  /**
   * Which server(s) the class is registered for: `'http'` (the HTTP server's port), `'microservice'`
   * (each Nest microservice server's bound endpoint, once `registerMicroservices(app)` from
   * `nest-service-registry/microservices` is called) or `'both'` (one key per endpoint). Default:
   * from the class's handlers: `@MessagePattern` / `@EventPattern` → microservice, HTTP routes →
   * HTTP, both kinds → both, neither → HTTP.
   */
  transport?: RpcTransport;
}

/** The metadata half of `@RpcService`, which the explorer reads back. @internal */
export const rpcServiceMarker = DiscoveryService.createDecorator<RpcServiceOptions | undefined>();

/** The servers an `@RpcService` class can be registered for. @publicApi */
export type RpcTransport = 'http' | 'microservice' | 'both';

/**
 * Marks a provider or controller class as a service this app hosts. The class is registered in
 * the registry once the server that hosts it listens (the HTTP server, or a Nest microservice
 * server: see {@link RpcServiceOptions.transport}), and removed at shutdown, where its message
 * handlers still running are waited for before the servers close.
 * The decorator only stores metadata (its options, and an interceptor that counts the class's
 * message handlers in flight); it is validated at `onModuleInit` so errors name the class.
 *
 * @example
 * ```ts
 * @RpcService({ name: 'user-service', version: '1.0' })
 * @Controller('users')
 * export class UsersController {}
 * ```
 * @publicApi
 */
export const RpcService: ((options?: RpcServiceOptions) => ClassDecorator) & { KEY: string } = Object.assign(
  (options?: RpcServiceOptions): ClassDecorator =>
    (target) => {
      rpcServiceMarker(options)(target);
      UseInterceptors(RpcCallsInFlight)(target);
    },
  { KEY: rpcServiceMarker.KEY },
);
