import type { RpcTransport } from '../decorators/rpc-service.decorator.js';

/** Where a class is served: the HTTP server, or the app's Nest microservice servers. @internal */
export type Endpoint = 'http' | 'microservice';

/**
 * Metadata keys Nest's own decorators write (read here by name, so the core never loads
 * `@nestjs/microservices`; `served-endpoints.spec.ts` checks them against the real decorators):
 * `@MessagePattern` / `@EventPattern` / `@GrpcMethod` set `microservices:pattern` on the method;
 * `@Get()` and the other route decorators set `method` on it.
 */
const PATTERN_METADATA = 'microservices:pattern';
const ROUTE_METHOD_METADATA = 'method';
/** `@GrpcMethod` (and `@MessagePattern(p, Transport.GRPC)`) set this to `Transport.GRPC`, which is 4. */
const TRANSPORT_METADATA = 'microservices:transport';
const TRANSPORT_GRPC = 4;

/** The methods of `type`'s prototype chain (below `Object`). */
function methodsOf(type: abstract new (...args: never[]) => unknown): Array<(...args: unknown[]) => unknown> {
  const methods: Array<(...args: unknown[]) => unknown> = [];
  const start = (type as unknown as { prototype: object }).prototype;
  for (let proto: object | null = start; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const descriptor = Object.getOwnPropertyDescriptor(proto, name);
      if (name !== 'constructor' && typeof descriptor?.value === 'function')
        methods.push(descriptor.value as (...args: unknown[]) => unknown);
    }
  }
  return methods;
}

/**
 * The endpoints a class is registered for: `transport` when given; otherwise from its handlers
 * (message/event patterns → microservice, HTTP routes → HTTP, both → both, neither → HTTP). @internal
 */
export function servedEndpoints(type: abstract new (...args: never[]) => unknown, transport?: RpcTransport): readonly Endpoint[] {
  switch (transport) {
    case 'http':
      return ['http'];
    case 'microservice':
      return ['microservice'];
    case 'both':
      return ['http', 'microservice'];
    case undefined: {
      const methods = methodsOf(type);
      const patterns = methods.some((m) => Reflect.hasMetadata(PATTERN_METADATA, m));
      const routes = methods.some((m) => Reflect.hasMetadata(ROUTE_METHOD_METADATA, m));
      if (patterns && routes) return ['http', 'microservice'];
      return patterns ? ['microservice'] : ['http'];
    }
    default: {
      const exhaustive: never = transport;
      throw new Error(`Unknown transport ${String(exhaustive)}`);
    }
  }
}

/**
 * Whether no server can serve the class: it has no HTTP route and no message, event or gRPC
 * handler (a plain `@Injectable()`, or a controller without handlers). @internal
 */
export function servesNothing(type: abstract new (...args: never[]) => unknown): boolean {
  return !methodsOf(type).some((m) => Reflect.hasMetadata(PATTERN_METADATA, m) || Reflect.hasMetadata(ROUTE_METHOD_METADATA, m));
}

/**
 * Whether the class serves gRPC (a `@GrpcMethod` / `@GrpcStreamMethod` handler): it is then
 * registered on the app's gRPC server (`"protocol": "grpc"`), and not on its other microservice
 * servers; the other microservice classes are registered on those, not on the gRPC one. @internal
 */
export function servesGrpc(type: abstract new (...args: never[]) => unknown): boolean {
  return methodsOf(type).some((m) => Reflect.getMetadata(TRANSPORT_METADATA, m) === TRANSPORT_GRPC);
}
