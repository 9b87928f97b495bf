import { parseArgs } from 'node:util';

/** A command line that cannot be run as given: exit code 2, with the usage. @internal */
export class UsageError extends Error {}

/** The help text. @internal */
export const USAGE = `Usage: nest-registry --registry URL [--namespace rpc] [--json] COMMAND

Commands:
  ls [service[:version]]          list instances (every service of the namespace without one)
  watch [service[:version]]       print every change, one line each, until interrupted
  register --permanent NAME VERSION HOST PORT
           [--check http:PATH|tcp|grpc[:SERVICE]] [--interval MS] [--timeout MS]
           [--failure-threshold N] [--success-threshold N] [--deregister-after MS]
           [--protocol P] [--weight N] [--zone Z] [--metadata KEY=VALUE]...
                                  register an instance that has no lease (it stays until deregistered)
  deregister ID                   remove a permanent instance (ID: its id, key or HOST:PORT)
  drain ID | undrain ID           set a permanent instance OUT_OF_SERVICE, or back in service
  xds --port N [--host 127.0.0.1] [--xds-cert FILE --xds-key FILE [--xds-ca FILE]]
                                  serve the registry's gRPC services over xDS (ADS) until interrupted:
                                  gRPC clients in any language dial xds:///<service> (docs/xds.md)

Registry URL: etcd://host:port[,host:port]  etcds://…  zookeeper://host:port[,…][/basePath]
              redis://[user:password@]host:port  rediss://…
              redis-sentinel://host:port[,host:port]/masterName   (or NEST_REGISTRY_URL)
Security: --username U --password P (or NEST_REGISTRY_USERNAME / NEST_REGISTRY_PASSWORD),
          --ca FILE --cert FILE --key FILE (or NEST_REGISTRY_CA_FILE / _CERT_FILE / _KEY_FILE)
Exit codes: 0 success, 1 the operation failed, 2 usage error.`;

const OPTIONS = {
  registry: { type: 'string' },
  namespace: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  username: { type: 'string' },
  password: { type: 'string' },
  ca: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  permanent: { type: 'boolean' },
  check: { type: 'string' },
  interval: { type: 'string' },
  timeout: { type: 'string' },
  'failure-threshold': { type: 'string' },
  'success-threshold': { type: 'string' },
  'deregister-after': { type: 'string' },
  protocol: { type: 'string' },
  weight: { type: 'string' },
  zone: { type: 'string' },
  metadata: { type: 'string', multiple: true },
  port: { type: 'string' },
  host: { type: 'string' },
  'xds-cert': { type: 'string' },
  'xds-key': { type: 'string' },
  'xds-ca': { type: 'string' },
} as const;

/** A parsed command line. @internal */
export interface CliArgs {
  readonly command: string | undefined;
  readonly operands: readonly string[];
  readonly flags: ReturnType<typeof parse>['values'];
}

function parse(argv: readonly string[]) {
  return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
}

/** Parses `argv` (without node and the script); throws a {@link UsageError} naming what is wrong. @internal */
export function parseCli(argv: readonly string[]): CliArgs {
  try {
    const { values, positionals } = parse(argv);
    return { command: positionals[0], operands: positionals.slice(1), flags: values };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** `value` as an integer, or a usage error naming `flag`. @internal */
export function integerFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${flag} must be a whole number, got "${value}"`);
  return Number(value);
}
