/**
 * Every user-visible message of the library, one function each, so wording stays consistent
 * and each line names the service, the instance or the option concerned. Text that comes from
 * outside (keys and values read from the registry, names passed in) goes through {@link safe}:
 * a line never carries control characters or unbounded text from someone else.
 */

import { RegistryError } from './errors/registry.error.js';

/** Longest piece of foreign text a message carries, characters. */
const MAX_TEXT = 200;
// eslint-disable-next-line no-control-regex -- matches the control characters a log line must not carry
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** `text` as is when printable and short; otherwise JSON-escaped and cut, with its full length. @internal */
export function safe(text: string): string {
  if (text.length <= MAX_TEXT && !UNPRINTABLE.test(text)) return text;
  const cut =
    text.length > MAX_TEXT ? `${JSON.stringify(text.slice(0, MAX_TEXT)).slice(0, -1)}…" (${text.length} characters)` : JSON.stringify(text);
  return cut;
}

/** A value in a message: strings quoted, everything JSON, bounded like {@link safe}. @internal */
export function show(value: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  json ??= String(value);
  return json.length <= MAX_TEXT ? json : `${json.slice(0, MAX_TEXT)}… (${json.length} characters)`;
}

const list = (endpoints: readonly string[]) => endpoints.join(', ');

/** Short text of any thrown value (bounded, printable). @internal */
export function errorText(error: unknown): string {
  if (error instanceof RegistryError) return error.message; // built from these messages: bounded and printable already
  const text = error instanceof Error ? error.message || error.name : String(error);
  return safe(text.replace(/\.? Resolution note: *$/, '')); // grpc-js appends an empty one to connection errors
}

/** Every user-visible message of the library, one function each, so wording lives in one place. @internal */
export const MESSAGES = {
  unknownOption: (option: string, nearest: string | undefined, known: readonly string[]) =>
    `Unknown registry option "${option}"${nearest === undefined ? '.' : `: did you mean "${nearest}"?`} Valid options: ${known.join(', ')}.`,
  unknownRpcServiceOption: (className: string, key: string, nearest: string | undefined, known: readonly string[]) =>
    `@RpcService() on ${className} has an unknown option "${key}"${nearest === undefined ? '.' : `: did you mean "${nearest}"?`} ` +
    `Valid options: ${known.join(', ')}.`,
  invalidOption: (option: string, value: unknown, rule: string) =>
    `Invalid registry option "${option}": got ${show(value)}, expected ${rule}.`,
  missingBackend: () => 'a backend factory such as etcd({ hosts }) from "nest-service-registry/etcd"',
  invalidRpcService: (className: string, field: string, value: unknown, rule: string) =>
    `Invalid @RpcService on class ${className}: "${field}" is ${show(value)}, expected ${rule}.`,
  microserviceNotListening: (error: unknown) =>
    `registerMicroservices(app): a microservice server of the app is not listening yet (${errorText(error)}). ` +
    'Call it after app.startAllMicroservices() (hybrid app) or app.listen() (standalone microservice).',
  grpcPortNeeded: (port: unknown) =>
    `registerMicroservices(app): the app has a gRPC server, and "grpcPort" is ${show(port)}: pass the port it listens on, ` +
    'registerMicroservices(app, { grpcPort }), an integer in 1..65535. Nest does not expose the port a gRPC server bound, ' +
    'so give its url an explicit port (e.g. url: "0.0.0.0:50051") and pass the same number.',
  grpcPortClosed: (host: string, port: number, error: unknown) =>
    `registerMicroservices(app): nothing accepts connections on ${host}:${port} (${errorText(error)}), so the gRPC ` +
    'services are not advertised there. Pass the port of the gRPC server\'s url as "grpcPort", after app.startAllMicroservices().',
  noMicroserviceEndpoint: (servers: number) =>
    `registerMicroservices(app): none of the app's ${servers} microservice server(s) has an address to advertise. ` +
    'Only servers that listen on a port (TCP) are registered; broker transports (NATS, Kafka, Redis, RabbitMQ) need no registry.',
  notReady: (keys: readonly string[], ms: number) =>
    `Not registered within ${ms} ms: ${keys.map(safe).join(', ')}. Check the registry's reachability (health details say why).`,
  invalidInstance: (what: string, field: string, value: unknown, rule: string) =>
    `Invalid instance ${safe(what)}: "${field}" is ${show(value)}, expected ${rule}.`,
  instanceTooLarge: (what: string, bytes: number, max: number, largest: string) =>
    `Invalid instance ${safe(what)}: its value is ${bytes} bytes, larger than ${max} (the largest field is "${largest}").`,
  invalidLookup: (what: 'service name' | 'service version' | 'status', value: unknown, rule: string) =>
    `Invalid ${what} ${show(value)}: expected ${rule}.`,
  duplicateRpcService: (key: string, classes: string[]) =>
    `@RpcService ${key} is declared by more than one class (${classes.join(', ')}); give each a distinct name or version.`,
  unhostedRpcService: (classes: string[]) =>
    `@RpcService on ${classes.join(', ')}, which no server of this app serves: no HTTP route (@Get()...) and no ` +
    '@MessagePattern, @EventPattern or @GrpcMethod handler. Put @RpcService on the controller that serves the service, ' +
    "or say where it is served with @RpcService({ transport: 'http' | 'microservice' | 'both' }).",
  noPortForRegistration: (services: string[]) =>
    `Cannot register ${services.join(', ')}: the app has no HTTP server and no "port" option. ` +
    'Pass RegistryModule.forRoot({ port }) with the port your transport listens on.',
  registrationFailed: (error: unknown) => `Registration of @RpcService classes failed: ${errorText(error)}`,
  missingPeer: (packageName: string, needs: string) =>
    `${needs} needs the "${packageName}" package, which is not installed: run \`npm install ${packageName}\`.`,
  noScheduler: () => 'RegistryModule renews its lease through @nestjs/schedule: import ScheduleModule.forRoot() in your root module.',
  noShutdownHooks: () =>
    'Shutdown hooks are not enabled: call app.enableShutdownHooks() so instances are deregistered before the server stops; ' +
    'otherwise they linger until their lease expires.',
  noHostAddress: () => 'No non-internal IPv4 address found to advertise; set the "host" option. Falling back to 127.0.0.1.',
  registered: (instanceId: string, key: string, lease: string) => `Registered ${instanceId} at ${key} (lease ${lease})`,
  deregistered: (count: number, lease: string | undefined) => `Deregistered ${count} instance(s)${lease ? `, revoked lease ${lease}` : ''}`,
  leaseLost: (lease: string, count: number) => `Lease ${lease} is gone; granting a new one and re-registering ${count} instance(s)`,
  healed: (lease: string, count: number) => `Re-registered ${count} instance(s) on new lease ${lease}`,
  duplicateOwner: (key: string, owner: string, ours: string | undefined) =>
    `Another process holds ${safe(key)} (lease ${safe(owner)}; ours: ${ours ?? 'none'}): two processes advertise the same address. ` +
    'Not overwriting it; this instance counts as not registered until that key is gone. Give each process its own host:port.',
  gateClosed: (threshold: number, reason: string) =>
    `Health gate: ${threshold} failed check(s) in a row (${safe(reason)}); publishing this process's instances as DOWN`,
  gateOpened: (threshold: number, keys: readonly string[]) =>
    `Health gate: ${threshold} passed check(s) in a row; publishing ${keys.length} instance(s) as UP again`,
  keyRepaired: (key: string, why: string) => `Key ${safe(key)} was ${why} by someone else; putting it back`,
  keyWriteFailed: (key: string, error: unknown) => `writing ${safe(key)} failed: ${errorText(error)}`,
  outageStarted: (kind: string, endpoints: readonly string[], what: string, error: unknown) =>
    `The ${kind} registry at ${list(endpoints)} is not answering (${what}: ${errorText(error)}); ` +
    'serving from memory and retrying until it answers.',
  stillDown: (failures: number, ms: number, what: string, error: unknown, retryMs: number | undefined) =>
    `Still not answering after ${(ms / 1000).toFixed(0)} s and ${failures} failed attempt(s); the last: ${what} failed: ${errorText(error)}` +
    (retryMs === undefined ? '' : `; retrying in ${Math.round(retryMs)} ms`),
  outageEnded: (kind: string, endpoints: readonly string[], ms: number, failures: number) =>
    `The ${kind} registry at ${list(endpoints)} answers again after ${(ms / 1000).toFixed(1)} s (${failures} failed attempt(s))`,
  deregistrationFailed: (endpoints: readonly string[], error: unknown) =>
    `Deregistration against ${list(endpoints)} failed: ${errorText(error)}; the instances disappear when the lease expires`,
  deregistrationTimedOut: (ms: number) =>
    `Deregistration did not finish within shutdownTimeout (${ms} ms); the instances disappear when the lease expires`,
  malformedValue: (key: string, reason: string) => `Skipping malformed registry value at ${safe(key)}: ${safe(reason)}`,
  resynced: (service: string, reason: string, count: number, revision: string) =>
    `Re-listed ${service} (${safe(reason)}): ${count} instance(s) at revision ${revision}`,
  listFailed: (service: string, endpoints: readonly string[], error: unknown) =>
    `Cannot read ${service} from ${list(endpoints)}: ${errorText(error)}` +
    ((error as { code?: unknown } | undefined)?.code === 'ACCESS_DENIED' ? '' : '. Check that the registry is reachable.'),
  notAnswering: (kind: string, endpoints: readonly string[]) =>
    `The ${kind} registry at ${list(endpoints)} is not answering (no connection)`,
  accessTls: (kind: string, endpoints: readonly string[], detail: string) =>
    `TLS with the ${kind} registry at ${list(endpoints)} failed (${safe(detail)}). This is a TLS problem: check the ` +
    "backend's credentials (the CA that signed the server's certificate; the client certificate and key when the server requires them).",
  accessAuth: (kind: string, endpoints: readonly string[], user: string | undefined, detail: string) =>
    user === undefined
      ? `The ${kind} registry at ${list(endpoints)} requires authentication (${safe(detail)}): set the backend's auth (username and password).`
      : `The ${kind} registry at ${list(endpoints)} refused user ${show(user)} (${safe(detail)}). ` +
        "This is an authentication problem: check the backend's auth (username and password).",
  sentinelAuth: (endpoints: readonly string[], detail: string) =>
    `The Redis sentinels of ${list(endpoints)} refused the credentials (${safe(detail)}). ` +
    "This is an authentication problem: check the backend's sentinelAuth (the sentinels' own password, not the data nodes').",
  accessDenied: (kind: string, endpoints: readonly string[], user: string | undefined, detail: string) =>
    `The ${kind} registry at ${list(endpoints)} denied user ${show(user ?? '(none)')} access (${safe(detail)}). ` +
    "The user's role needs readwrite on the namespace prefix (README, Security).",
  noInstances: (service: string, version: string, protocol?: string, forcedTag?: string) =>
    `No available instance of ${service}:${version}${protocol === undefined ? '' : ` over ${protocol}`}` +
    `${forcedTag === undefined ? '' : ` tagged ${show(forcedTag)} (forceTag: no fallback to untagged instances)`}. ` +
    'Check that a provider registered it (and is UP).',
  callFailed: (service: string, attempts: ReadonlyArray<{ address: string; error: unknown }>) =>
    `Call to ${show(service)} failed on every instance tried: ` +
    attempts.map((a) => `${safe(a.address)} (${errorText(a.error)})`).join('; ') +
    '. The instances were ejected from choice for a while; the call can be tried again.',
  drained: (ms: number, inFlight: number) =>
    `Drained in ${ms} ms: consumers had drainDelay to see the deregistration, then the listeners stopped accepting` +
    (inFlight > 0 ? ` and the ${inFlight} call(s) in flight finished` : ' with no call in flight'),
  drainCutOff: (count: number, ms: number) =>
    `${count} call(s) were still in flight after shutdownTimeout (${ms} ms) of draining: their connections are closed now. ` +
    'Raise shutdownTimeout if handlers take that long.',
  callOutcomeUnknown: (service: string, address: string, error: unknown) =>
    `Call to ${show(service)} on ${safe(address)} was sent, then lost (${errorText(error)}): the instance may have processed it. ` +
    'It was not sent again (not declared idempotent); check its outcome before repeating it.',
  notLoaded: (service: string, version: string) =>
    `${service}:${version} is not loaded yet: call getInstances()/choose() once (or preload) before reading it synchronously.`,
  connectFailed: (endpoints: readonly string[], ms: number, error: unknown) =>
    `The registry at ${list(endpoints)} did not answer within connectTimeout (${ms} ms): ${errorText(error)}. ` +
    'Check that it runs and is reachable, or drop failFast to boot anyway and register when it answers.',
  snapshotServed: (service: string, count: number, savedAt: string, endpoints: readonly string[]) =>
    `Registry at ${list(endpoints)} unreachable: serving ${count} instance(s) of ${service} from the snapshot of ${safe(savedAt)}, marked stale`,
  snapshotUnreadable: (file: string, error: unknown) => `Ignoring snapshot file ${file}: ${errorText(error)}`,
  snapshotWriteFailed: (file: string, error: unknown) => `Could not write snapshot file ${file}: ${errorText(error)}`,
  closed: (what: string) => `${what}: the registry is closed.`,
  timeout: (what: string, ms: number) => `${what} did not finish within ${ms} ms`,
  hashKeyRequired: (service: string) => `choose(${show(service)}, { strategy: 'consistent-hash' }) needs a "key" (a string to hash).`,
  unknownStrategy: (strategy: unknown, known: readonly string[]) =>
    `Unknown load-balancing strategy ${show(strategy)}; expected ${known.join(' | ')}.`,
};
