import { writeFileSync } from 'node:fs';

/** What a gRPC client's xDS bootstrap names. @publicApi */
export interface XdsBootstrapInit {
  /** The xDS server, `host:port` (`XdsServer.address`). */
  server: string;
  /** This client's node id (shown in the server's logs). Default `nest-service-registry-client`. */
  nodeId?: string;
  /** The client's zone: its node locality. */
  zone?: string;
  /** Connect with TLS (the client's own root certificates; `insecure` otherwise). Default `false`. */
  tls?: boolean;
}

/**
 * The `GRPC_XDS_BOOTSTRAP` document of a gRPC client (any language) that resolves `xds:///<service>`
 * through an {@link XdsServer}: one server, State of the World over ADS (`xds_v3`). @publicApi
 */
export function xdsBootstrap(init: XdsBootstrapInit): Record<string, unknown> {
  return {
    xds_servers: [
      {
        server_uri: init.server,
        channel_creds: [{ type: init.tls ? 'tls' : 'insecure' }],
        server_features: ['xds_v3'],
      },
    ],
    node: {
      id: init.nodeId ?? 'nest-service-registry-client',
      locality: init.zone === undefined ? {} : { zone: init.zone }, // grpc-js-xds refuses a node without one
    },
  };
}

/** Writes {@link xdsBootstrap} as JSON to `file` (then start the client with `GRPC_XDS_BOOTSTRAP=<file>`). Returns `file`. @publicApi */
export function writeXdsBootstrap(file: string, init: XdsBootstrapInit): string {
  writeFileSync(file, `${JSON.stringify(xdsBootstrap(init), null, 2)}\n`);
  return file;
}
