import type { RegistryBackend, RegistryBackendFactory } from '../backends/registry-backend.js';
import { planPermanent, type CheckSpec } from '../registration/permanent-instance.js';
import {
  decodeInstance,
  encodeInstance,
  namespacePrefix,
  sameInstance,
  servicePrefix,
  splitServiceKey,
  type ServiceInstance,
  type CheckType,
} from '../model/index.js';
import { integerFlag, UsageError, type CliArgs } from './cli-usage.js';
import { describeInstance, printChange, type Printer } from './cli-output.js';
import { serveXds } from './cli-xds.js';

/** An instance read from the registry, with its key. @internal */
export interface Listed {
  readonly key: string;
  readonly instance: ServiceInstance;
}

/** A failed operation: exit code 1, the message on stderr. @internal */
export class OperationError extends Error {}

/** What a command runs against. @internal */
export interface CliContext {
  readonly backend: RegistryBackend;
  /** What `backend` was created from (the `xds` command's discovery client validates it). */
  readonly factory: RegistryBackendFactory;
  readonly namespace: string;
  readonly out: Printer;
  /** Resolves when the user interrupts (`watch` runs until then). */
  readonly interrupted: Promise<void>;
}

function prefixOf(namespace: string, service: string | undefined): string {
  if (!service) return namespacePrefix(namespace);
  const split = splitServiceKey(service.includes(':') ? service : `${service}:1.0`);
  if (!split) throw new UsageError(`the service must be NAME or NAME:VERSION, got "${service}"`);
  return servicePrefix(namespace, split.serviceName, split.serviceVersion);
}

async function read(context: CliContext, service?: string): Promise<Listed[]> {
  const { entries } = await context.backend.list(prefixOf(context.namespace, service));
  const listed: Listed[] = [];
  for (const entry of entries) {
    const decoded = decodeInstance(entry.value);
    if (decoded.ok) listed.push({ key: entry.key, instance: decoded.instance });
    else context.out.warn(`skipped ${entry.key}: ${decoded.reason}`);
  }
  return listed;
}

/** The one instance `id` names (its id, key or `host:port`); refused (exit 1) unless it is permanent. */
async function find(context: CliContext, id: string | undefined): Promise<Listed> {
  if (!id) throw new UsageError('name the instance: its id, key or HOST:PORT');
  const matches = (await read(context)).filter(
    ({ key, instance }) => instance.id === id || key === id || `${instance.serviceHost}:${instance.servicePort}` === id,
  );
  if (matches.length === 0) throw new OperationError(`no instance ${id} in namespace ${context.namespace}`);
  if (matches.length > 1)
    throw new OperationError(`${id} names ${matches.length} instances: give its id or key (${matches.map((m) => m.key).join(', ')})`);
  const found = matches[0]!;
  if (found.instance.ephemeral) {
    throw new OperationError(
      `${found.instance.id} is an ephemeral instance kept by a running process: change it from that process (ServiceRegistry, the dashboard) or stop it; this tool changes permanent instances only`,
    );
  }
  return found;
}

function checkOf(args: CliArgs): CheckSpec | undefined {
  const raw = args.flags.check;
  if (raw === undefined) return undefined;
  const colon = raw.indexOf(':');
  const type = (colon < 0 ? raw : raw.slice(0, colon)) as CheckType;
  const path = colon < 0 ? undefined : raw.slice(colon + 1);
  const deregisterAfter = integerFlag('deregister-after', args.flags['deregister-after']);
  return {
    type,
    ...(path === undefined ? {} : { path }),
    interval: integerFlag('interval', args.flags.interval),
    timeout: integerFlag('timeout', args.flags.timeout),
    failureThreshold: integerFlag('failure-threshold', args.flags['failure-threshold']),
    successThreshold: integerFlag('success-threshold', args.flags['success-threshold']),
    ...(deregisterAfter === undefined ? {} : { deregisterAfter }),
  };
}

function metadataOf(pairs: readonly string[] = []): Record<string, string> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new UsageError(`--metadata takes KEY=VALUE, got "${pair}"`);
      return [pair.slice(0, eq), pair.slice(eq + 1)];
    }),
  );
}

async function register(context: CliContext, args: CliArgs): Promise<void> {
  if (!args.flags.permanent) throw new UsageError('register needs --permanent: processes register their own instances (RegistryModule)');
  const [name, version, host, port] = args.operands;
  if (!name || !version || !host || !port) throw new UsageError('register --permanent takes NAME VERSION HOST PORT');
  const init = {
    serviceName: name,
    serviceVersion: version,
    serviceHost: host,
    servicePort: integerFlag('port', port)!,
    ...(args.flags.protocol ? { protocol: args.flags.protocol } : {}),
    ...(args.flags.weight ? { weight: integerFlag('weight', args.flags.weight) } : {}),
    ...(args.flags.zone ? { zone: args.flags.zone } : {}),
    metadata: metadataOf(args.flags.metadata),
  };
  let planned;
  try {
    planned = planPermanent(context.namespace, init, { check: checkOf(args) });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  await context.backend.putPermanent(planned.key, encodeInstance(planned.instance));
  context.out.result(planned, `registered ${planned.instance.id} (permanent, ${planned.instance.status}) at ${planned.key}`);
}

async function setStatus(context: CliContext, id: string | undefined, drain: boolean): Promise<void> {
  const { key, instance } = await find(context, id);
  const status = drain ? 'OUT_OF_SERVICE' : instance.check ? 'STARTING' : 'UP';
  const changed = Object.freeze({ ...instance, status });
  await context.backend.putPermanent(key, encodeInstance(changed));
  context.out.result({ key, instance: changed }, `${instance.id} is ${status}${drain ? ' (drained)' : ''}`);
}

/** Runs `watch`: reads every second and prints what changed, until interrupted. */
async function watch(context: CliContext, service: string | undefined): Promise<void> {
  let known = new Map<string, ServiceInstance>();
  let stop = false;
  void context.interrupted.then(() => (stop = true));
  while (!stop) {
    const current = new Map((await read(context, service)).map((l) => [l.key, l.instance]));
    for (const [key, instance] of current) {
      const before = known.get(key);
      if (!before || !sameInstance(before, instance)) printChange(context.out, 'put', key, instance);
    }
    for (const key of known.keys()) if (!current.has(key)) printChange(context.out, 'delete', key, undefined);
    known = current;
    await Promise.race([context.interrupted, new Promise((resolve) => setTimeout(resolve, 1_000))]);
  }
}

/** Runs one command. @internal */
export async function runCommand(context: CliContext, args: CliArgs): Promise<void> {
  const [first] = args.operands;
  switch (args.command) {
    case 'ls': {
      const listed = await read(context, first);
      return context.out.result(listed, listed.map(describeInstance).join('\n') || `no instances in namespace ${context.namespace}`);
    }
    case 'watch':
      return watch(context, first);
    case 'register':
      return register(context, args);
    case 'deregister': {
      const { key, instance } = await find(context, first);
      await context.backend.deletePermanent(key);
      return context.out.result({ key, deregistered: true }, `deregistered ${instance.id}`);
    }
    case 'drain':
    case 'undrain':
      return setStatus(context, first, args.command === 'drain');
    case 'xds':
      return serveXds(context, args);
    default:
      throw new UsageError(args.command ? `unknown command "${args.command}"` : 'no command given');
  }
}
