import { isIP } from 'node:net';

/** The major version of the Node.js running this process. */
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);

/**
 * The first `https://` endpoint addressed by an IP literal, when this Node refuses it: grpc-js
 * (1.14) sends the dialled host as the TLS server name (SNI), and Node 26 rejects an IP address
 * there (RFC 6066; a deprecation warning before 26), so such an endpoint can never connect.
 * `undefined` when every endpoint can. @internal
 */
export function unreachableTlsEndpoint(hosts: readonly string[], nodeMajor = NODE_MAJOR): string | undefined {
  if (nodeMajor < 26) return undefined;
  return hosts.find((host) => host.startsWith('https://') && isIP(new URL(host).hostname.replace(/^\[|\]$/g, '')) !== 0);
}

/** The rule a rejected endpoint breaks, for the bootstrap error. @internal */
export const TLS_HOST_NAME_RULE =
  'a host name, not an IP address, for an https:// endpoint on Node 26 or later (gRPC sends the host as the TLS server name, ' +
  'which Node 26 refuses to be an IP address): use a name the server certificate carries, e.g. https://etcd-1.internal:2379 or https://localhost:2379';
