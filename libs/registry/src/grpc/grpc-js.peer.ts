import { requirePeer } from '../backends/require-peer.js';
import type { GrpcResolverApi } from './registry-resolver.js';
import type { GrpcInterceptorApi } from './resend-interceptor.js';
import type { GrpcBalancerApi } from './zone-balancer.js';

/** `@grpc/grpc-js`, or the error that says to install it (when `nest-service-registry/grpc` is imported). @internal */
export const grpcJs = requirePeer<GrpcResolverApi & GrpcInterceptorApi & GrpcBalancerApi>(
  '@grpc/grpc-js',
  'The gRPC resolver (nest-service-registry/grpc)',
);
