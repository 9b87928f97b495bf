import { readFileSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { createDiscoveryClient } from '../discovery/create-discovery-client.js';
import { integerFlag, UsageError, type CliArgs } from './cli-usage.js';
import type { CliContext } from './cli-commands.js';

/** The xDS server's TLS from `--xds-cert FILE --xds-key FILE [--xds-ca FILE]`, or none. */
function tlsOf(args: CliArgs): { cert: Buffer; key: Buffer; ca?: Buffer } | undefined {
  const { 'xds-cert': cert, 'xds-key': key, 'xds-ca': ca } = args.flags;
  if (!cert && !key && !ca) return undefined;
  if (!cert || !key)
    throw new UsageError('TLS for xds takes both --xds-cert FILE and --xds-key FILE (and --xds-ca FILE for client certificates)');
  return { cert: readFileSync(cert), key: readFileSync(key), ...(ca ? { ca: readFileSync(ca) } : {}) };
}

/**
 * Runs `xds --port N [--host H]`: an xDS (ADS) server over the registry, until interrupted. Its
 * library is loaded only here, so the other commands need no gRPC package. @internal
 */
export async function serveXds(context: CliContext, args: CliArgs): Promise<void> {
  const port = integerFlag('port', args.flags.port);
  if (port === undefined) throw new UsageError('xds needs --port N (0: any free port)');
  const tls = tlsOf(args);
  Logger.overrideLogger(['error', 'warn']); // the tool prints its own lines
  const { XdsServer } = await import('../xds/xds-server.js');
  const discovery = await createDiscoveryClient(
    { backend: context.factory, namespace: context.namespace, host: '127.0.0.1' },
    context.backend,
  );
  const server = new XdsServer(discovery, { port, host: args.flags.host ?? '127.0.0.1', ...(tls ? { tls } : {}) });
  try {
    await server.start();
    context.out.result(
      { xds: server.address },
      `xDS (ADS) server on ${server.address}${tls ? ' (TLS)' : ''}: gRPC clients dial xds:///<service> with a bootstrap naming it; Ctrl-C stops it`,
    );
    await context.interrupted;
  } finally {
    await server.stop();
    await discovery.close();
  }
}
