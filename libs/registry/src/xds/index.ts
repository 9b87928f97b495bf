/**
 * `nest-service-registry/xds`: an xDS control plane (ADS, State of the World) serving the
 * registry's gRPC services to proxyless gRPC clients in any language (`xds:///user-grpc`). Needs
 * `@grpc/grpc-js`, `@grpc/proto-loader`, and `@grpc/grpc-js-xds` for the Envoy protos it ships.
 * @packageDocumentation
 */
export { RegistryXdsModule } from './registry-xds.module.js';
export { XdsServer } from './xds-server.js';
export type { XdsServerOptions, XdsTlsOptions } from './xds-options.js';
export { xdsBootstrap, writeXdsBootstrap, type XdsBootstrapInit } from './xds-bootstrap.js';
export { XDS_TYPES, type XdsResource, type XdsTypeUrl } from './xds-resources.js';
export type { XdsStats } from './xds-stats.js';
