import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as GrpcJs from '@grpc/grpc-js';
import type * as ProtoLoader from '@grpc/proto-loader';
import { requirePeer } from '../backends/require-peer.js';

const NEEDS = 'The xDS server (nest-service-registry/xds)';

/** `@grpc/grpc-js`, loaded when `nest-service-registry/xds` is imported. @internal */
export const grpcJs = requirePeer<typeof GrpcJs>('@grpc/grpc-js', NEEDS);

/** The proto files the server's messages come from, relative to the include directories. */
const PROTOS = [
  'envoy/service/discovery/v3/ads.proto',
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
];

/**
 * The include directories of the Envoy xDS API protos. They are not copied into this package:
 * they come from `@grpc/grpc-js-xds`, which ships them (Apache-2.0, from envoyproxy/data-plane-api,
 * cncf/xds, googleapis and protoc-gen-validate) under `deps/`. @internal
 */
export function protoIncludeDirs(): string[] {
  const xds = requirePeer<string>('@grpc/grpc-js-xds', NEEDS, (id) => createRequire(import.meta.url).resolve(`${id}/package.json`));
  const deps = join(dirname(xds), 'deps');
  return ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((dir) => join(deps, dir));
}

let loaded: GrpcJs.ServiceDefinition | undefined;

/**
 * The `envoy.service.discovery.v3.AggregatedDiscoveryService` definition, loaded once with
 * `@grpc/proto-loader`. Its `Any` fields take resources as objects with an `@type` (the resource
 * protos are loaded into the same root, so protobuf.js encodes them). @internal
 */
export function adsServiceDefinition(): GrpcJs.ServiceDefinition {
  if (loaded) return loaded;
  const protoLoader = requirePeer<typeof ProtoLoader>('@grpc/proto-loader', NEEDS);
  const definition = protoLoader.loadSync(PROTOS, {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
    json: true,
    includeDirs: protoIncludeDirs(),
  });
  loaded = definition['envoy.service.discovery.v3.AggregatedDiscoveryService'] as GrpcJs.ServiceDefinition;
  return loaded;
}
