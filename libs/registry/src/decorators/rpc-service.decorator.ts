import { DiscoveryService } from '@nestjs/core';

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
  /** Protocol consumers should speak; default `"http"`. */
  protocol?: string;
}

/**
 * Marks a provider or controller class as a service this app hosts. The class is registered in
 * the registry once the app can serve (after the HTTP server listens), and removed at shutdown.
 * The decorator only stores metadata; it is validated at `onModuleInit` so errors name the class.
 *
 * @example
 * ```ts
 * @RpcService({ name: 'user-service', version: '1.0' })
 * @Controller('users')
 * export class UsersController {}
 * ```
 * @publicApi
 */
export const RpcService = DiscoveryService.createDecorator<RpcServiceOptions | undefined>();
