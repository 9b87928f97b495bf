import { isIP } from 'node:net';
import { invalidOption } from '../options/option-rules.js';
import { keysOf, rejectUnknownKeys } from '../options/unknown-keys.js';
import type { XdsResource } from './xds-resources.js';

/** TLS of the xDS server: its certificate and key (PEM); with `ca`, clients must present a certificate it signed. @publicApi */
export interface XdsTlsOptions {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
  /** CA of the client certificates: set, the server requires one (mutual TLS). */
  readonly ca?: string | Buffer;
}

/** Where and how the xDS server listens. @publicApi */
export interface XdsServerOptions {
  /** TCP port; 0 picks a free one (read it from `XdsServer.port`). */
  port: number;
  /** Address to listen on. Default `127.0.0.1`: loopback only. Any other needs `tls` or `insecure: true`. */
  host?: string;
  /** Serve over TLS (see {@link XdsTlsOptions}). Default: plaintext, which only loopback allows unless `insecure`. */
  tls?: XdsTlsOptions;
  /** Allow plaintext on a non-loopback `host`: anyone who reaches the port learns every gRPC endpoint. Default `false`. */
  insecure?: boolean;
  /**
   * Edits each resource before it is sent, e.g. a retry policy on the route or outlier detection on
   * the cluster (fields as in Envoy's protos, snake_case; nested `Any`s with an `@type`). A resource
   * the clients reject is NACKed: logged once, and they keep the last one they accepted.
   */
  customize?: (resource: XdsResource) => XdsResource;
}

const KEYS = keysOf<XdsServerOptions>()(['port', 'host', 'tls', 'insecure', 'customize']);
const TLS_KEYS = keysOf<XdsTlsOptions>()(['cert', 'key', 'ca']);
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;
const pem = (value: unknown) => typeof value === 'string' || Buffer.isBuffer(value);

/** Checked options with their defaults, the TLS material as Buffers. @internal */
export interface ResolvedXdsOptions extends Required<Omit<XdsServerOptions, 'tls' | 'customize'>>, Pick<XdsServerOptions, 'customize'> {
  readonly tls: { readonly cert: Buffer; readonly key: Buffer; readonly ca?: Buffer } | undefined;
}

/** The options with their defaults; errors name the option (`xds.<name>`) and its rule. @internal */
export function checkXdsOptions(input: XdsServerOptions): ResolvedXdsOptions {
  if (typeof input !== 'object' || input === null) invalidOption('xds', input, 'an object with at least { port }');
  rejectUnknownKeys('xds', input, KEYS);
  const { port, host = '127.0.0.1', tls, insecure = false, customize } = input;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) invalidOption('xds.port', port, 'an integer in 0..65535 (0: any free port)');
  if (typeof host !== 'string' || (isIP(host) === 0 && host !== 'localhost'))
    invalidOption('xds.host', host, 'an IP address to listen on, or localhost');
  if (typeof insecure !== 'boolean') invalidOption('xds.insecure', insecure, 'a boolean');
  if (customize !== undefined && typeof customize !== 'function')
    invalidOption('xds.customize', customize, 'a function (resource) => resource');
  if (tls !== undefined) {
    if (typeof tls !== 'object' || tls === null) invalidOption('xds.tls', tls, 'an object { cert, key, ca? } of PEM strings or Buffers');
    rejectUnknownKeys('xds.tls', tls, TLS_KEYS);
    if (!pem(tls.cert)) invalidOption('xds.tls.cert', '<not shown>', 'the server certificate chain, PEM (string or Buffer)');
    if (!pem(tls.key)) invalidOption('xds.tls.key', '<not shown>', 'the private key, PEM (string or Buffer)');
    if (tls.ca !== undefined && !pem(tls.ca)) invalidOption('xds.tls.ca', '<not shown>', 'the client CA, PEM (string or Buffer)');
  }
  if (!LOOPBACK.test(host) && tls === undefined && !insecure) {
    invalidOption(
      'xds.host',
      host,
      'a loopback address for plaintext; set tls (or insecure: true, to serve every endpoint to anyone) to listen elsewhere',
    );
  }
  const buffers = tls && {
    cert: Buffer.from(tls.cert),
    key: Buffer.from(tls.key),
    ...(tls.ca === undefined ? {} : { ca: Buffer.from(tls.ca) }),
  };
  return { port, host, tls: buffers, insecure, customize };
}
