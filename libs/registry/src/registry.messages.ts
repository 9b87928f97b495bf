/**
 * Every user-visible message of the library, one function each, so wording stays consistent
 * and each line names the service, the instance or the option concerned.
 */
const show = (value: unknown): string => {
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
};

export const MESSAGES = {
  invalidOption: (option: string, value: unknown, rule: string) =>
    `Invalid registry option "${option}": got ${show(value)}, expected ${rule}.`,
  invalidRpcService: (className: string, field: string, value: unknown, rule: string) =>
    `Invalid @RpcService on class ${className}: "${field}" is ${show(value)}, expected ${rule}.`,
  duplicateRpcService: (key: string, classes: string[]) =>
    `@RpcService ${key} is declared by more than one class (${classes.join(', ')}); give each a distinct name or version.`,
  noPortForRegistration: (services: string[]) =>
    `Cannot register ${services.join(', ')}: the app has no HTTP server and no "port" option. ` +
    'Pass RegistryModule.forRoot({ port }) with the port your transport listens on.',
  noScheduler: () => 'RegistryModule renews its lease through @nestjs/schedule: import ScheduleModule.forRoot() in your root module.',
  noShutdownHooks: () =>
    'Shutdown hooks are not enabled: call app.enableShutdownHooks() so instances are deregistered before the server stops; ' +
    'otherwise they linger until their lease expires.',
  noHostAddress: () => 'No non-internal IPv4 address found to advertise; set the "host" option. Falling back to 127.0.0.1.',
  registered: (instanceId: string, key: string, session: string) => `Registered ${instanceId} at ${key} (lease ${session})`,
  deregistered: (count: number, session: string | undefined) =>
    `Deregistered ${count} instance(s)${session ? `, revoked lease ${session}` : ''}`,
  renewed: (session: string, count: number) => `Renewed lease ${session} for ${count} instance(s)`,
  sessionLost: (session: string, count: number) => `Lease ${session} is gone; granting a new one and re-registering ${count} instance(s)`,
  healed: (session: string, count: number) => `Re-registered ${count} instance(s) on new lease ${session}`,
  keyRepaired: (key: string, why: string) => `Key ${key} was ${why} by someone else; put it back`,
  operationFailed: (what: string, endpoints: readonly string[], error: unknown, retryMs: number) =>
    `${what} failed against ${endpoints.join(', ')}: ${errorText(error)}; retrying in ${Math.round(retryMs)} ms`,
  deregistrationFailed: (endpoints: readonly string[], error: unknown) =>
    `Deregistration against ${endpoints.join(', ')} failed: ${errorText(error)}; the instances disappear when the lease expires`,
  deregistrationTimedOut: (ms: number) =>
    `Deregistration did not finish within shutdownTimeout (${ms} ms); the instances disappear when the lease expires`,
  malformedValue: (key: string, reason: string) => `Skipping malformed registry value at ${key}: ${reason}`,
  resyncing: (service: string, reason: string) => `Re-listing ${service}: ${reason}`,
  resynced: (service: string, count: number, revision: string) => `Re-listed ${service}: ${count} instance(s) at revision ${revision}`,
  serviceStale: (service: string, error: unknown) =>
    `Lost the watch on ${service} (${errorText(error)}); serving the last known instances, marked stale`,
  listFailed: (service: string, endpoints: readonly string[], error: unknown) =>
    `Cannot read ${service} from ${endpoints.join(', ')}: ${errorText(error)}. Check that the registry is reachable.`,
  noInstances: (service: string, version: string) =>
    `No available instance of ${service}:${version}. Check that a provider registered it (and is UP).`,
  notLoaded: (service: string, version: string) =>
    `${service}:${version} is not loaded yet: call getInstances()/choose() once (or preload) before reading it synchronously.`,
  connectFailed: (endpoints: readonly string[], ms: number, error: unknown) =>
    `The registry at ${endpoints.join(', ')} did not answer within connectTimeout (${ms} ms): ${errorText(error)}. ` +
    'Check that it runs and is reachable, or drop failFast to boot anyway and register when it answers.',
  snapshotServed: (service: string, count: number, savedAt: string, endpoints: readonly string[]) =>
    `Registry at ${endpoints.join(', ')} unreachable: serving ${count} instance(s) of ${service} from the snapshot of ${savedAt}, marked stale`,
  snapshotUnreadable: (file: string, error: unknown) => `Ignoring snapshot file ${file}: ${errorText(error)}`,
  snapshotWriteFailed: (file: string, error: unknown) => `Could not write snapshot file ${file}: ${errorText(error)}`,
  closed: (what: string) => `${what}: the registry is closed.`,
  timeout: (what: string, ms: number) => `${what} did not finish within ${ms} ms`,
  hashKeyRequired: (service: string) => `choose(${show(service)}, { strategy: 'consistent-hash' }) needs a "key" (a string to hash).`,
  unknownStrategy: (strategy: unknown, known: readonly string[]) =>
    `Unknown load-balancing strategy ${show(strategy)}; expected ${known.join(' | ')}.`,
};

/** Short text of any thrown value. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
