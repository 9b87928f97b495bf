import { networkInterfaces } from 'node:os';
import { DEFAULTS } from '../registry.constants.js';
import { MESSAGES } from '../registry.messages.js';
import { isValidHost, isValidName, NAME_RULE_TEXT } from '../model/index.js';
import { resolveOutlierDetection, resolveTags } from './traffic-options.js';
import { resolveHealthGate } from '../health-gate/health-gate.options.js';
import type { RegistryModuleOptions, ResolvedRegistryOptions } from '../interfaces/registry-module-options.interface.js';
import { keysOf, rejectUnknownKeys } from './unknown-keys.js';
import { invalidOption, milliseconds, portOption, warmupOption, zoneOption } from './option-rules.js';

/** First non-internal IPv4 address of this machine, or `undefined`. @internal */
export function firstExternalIPv4(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) return address.address;
    }
  }
  return undefined;
}

/**
 * Applies defaults to the caller's options, validates every field and returns a frozen copy.
 * Pure apart from reading the network interfaces when no `host` is given. Never mutates `input`.
 * `backend` is required here: `RegistryModule` (and `createDiscoveryClient`) put the default
 * `etcd()` in when the caller gave none. @internal
 */
/** Every option of `RegistryModule.forRoot()`: an unknown key fails bootstrap (a typo never passes silently). */
const REGISTRY_OPTION_KEYS = keysOf<RegistryModuleOptions>()([
  'backend',
  'namespace',
  'ttl',
  'renewInterval',
  'host',
  'zone',
  'warmup',
  'port',
  'requestTimeout',
  'shutdownTimeout',
  'drainDelay',
  'retryInitialDelay',
  'retryMaxDelay',
  'healthTimeout',
  'ejectionTime',
  'outlierDetection',
  'tags',
  'failFast',
  'connectTimeout',
  'snapshotFile',
  'healthGate',
]);

export function resolveRegistryOptions(input: RegistryModuleOptions = {}): ResolvedRegistryOptions {
  rejectUnknownKeys('', input, REGISTRY_OPTION_KEYS);
  if (typeof input !== 'object' || input === null) invalidOption('options', input, 'an object');

  const namespace = input.namespace ?? DEFAULTS.namespace;
  if (!isValidName(namespace)) invalidOption('namespace', namespace, NAME_RULE_TEXT);

  const backend = input.backend;
  if (typeof backend !== 'object' || backend === null || typeof backend.create !== 'function' || typeof backend.validate !== 'function') {
    invalidOption('backend', backend, MESSAGES.missingBackend());
  }
  backend.validate();
  const minTtl = Number.isInteger(backend.minTtl) && backend.minTtl > 0 ? backend.minTtl : 1;

  const ttl = input.ttl ?? DEFAULTS.ttl;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < minTtl) {
    invalidOption('ttl', ttl, `a whole number of seconds ≥ ${minTtl} (the ${backend.kind} backend grants no shorter lease)`);
  }

  const renewInterval = input.renewInterval ?? ttl / 3;
  if (typeof renewInterval !== 'number' || !Number.isFinite(renewInterval) || renewInterval <= 0 || renewInterval >= ttl) {
    invalidOption('renewInterval', renewInterval, `a number of seconds > 0 and below ttl (${ttl})`);
  }
  const renewIntervalMs = Math.round(renewInterval * 1000);

  let host = input.host;
  if (host !== undefined && !isValidHost(host)) invalidOption('host', host, 'a host name or IP address: printable, without spaces or "/"');
  const detected = host === undefined ? firstExternalIPv4() : undefined;
  const hostIsFallback = host === undefined && detected === undefined;
  host ??= detected ?? '127.0.0.1';

  const port = input.port;
  if (port !== undefined) portOption('port', port);
  const zone = zoneOption('zone', input.zone ?? null);

  if (input.failFast !== undefined && typeof input.failFast !== 'boolean') invalidOption('failFast', input.failFast, 'true or false');
  if (input.snapshotFile !== undefined && (typeof input.snapshotFile !== 'string' || input.snapshotFile.trim() === '')) {
    invalidOption('snapshotFile', input.snapshotFile, 'a non-empty file path');
  }

  const requestTimeout = milliseconds('requestTimeout', input.requestTimeout, DEFAULTS.requestTimeout);
  const retryInitialDelay = milliseconds('retryInitialDelay', input.retryInitialDelay, DEFAULTS.retryInitialDelay);
  const retryMaxDelay = milliseconds('retryMaxDelay', input.retryMaxDelay, Math.max(renewIntervalMs, retryInitialDelay));
  if (retryMaxDelay < retryInitialDelay) {
    invalidOption('retryMaxDelay', retryMaxDelay, `a number of milliseconds ≥ retryInitialDelay (${retryInitialDelay})`);
  }

  return Object.freeze({
    backend,
    namespace,
    ttl,
    renewIntervalMs,
    host,
    hostIsFallback,
    zone,
    warmup: warmupOption('warmup', input.warmup),
    port,
    requestTimeout,
    shutdownTimeout: milliseconds('shutdownTimeout', input.shutdownTimeout, DEFAULTS.shutdownTimeout),
    drainDelay: milliseconds('drainDelay', input.drainDelay, DEFAULTS.drainDelay, { allowZero: true }),
    retryInitialDelay,
    retryMaxDelay,
    healthTimeout: milliseconds('healthTimeout', input.healthTimeout, DEFAULTS.healthTimeout),
    ejectionTime: milliseconds('ejectionTime', input.ejectionTime, DEFAULTS.ejectionTime),
    outlierDetection: resolveOutlierDetection(input.outlierDetection),
    tags: resolveTags(input.tags),
    failFast: input.failFast ?? false,
    connectTimeout: milliseconds('connectTimeout', input.connectTimeout, DEFAULTS.connectTimeout),
    snapshotFile: input.snapshotFile,
    healthGate: resolveHealthGate(input.healthGate, renewIntervalMs),
  });
}
