import { DEFAULTS } from '../registry.constants.js';
import { FIELD_RULES, serviceKey, splitServiceKey } from '../model/index.js';

/** The service a registry target names. @publicApi */
export interface RegistryTargetService {
  readonly serviceName: string;
  readonly serviceVersion: string;
}

/** Default scheme of the registry's gRPC targets: `registry:///user-grpc:1.0`. @publicApi */
export const REGISTRY_GRPC_SCHEME = 'registry';

/**
 * The target a gRPC client dials to reach every `UP` gRPC instance of a service through the
 * registry, e.g. `registryTarget('user-grpc', '1.0')` → `registry:///user-grpc:1.0`. @publicApi
 */
export function registryTarget(
  serviceName: string,
  serviceVersion: string = DEFAULTS.serviceVersion,
  scheme = REGISTRY_GRPC_SCHEME,
): string {
  return `${scheme}:///${serviceKey(serviceName, serviceVersion)}`;
}

/**
 * Reads the service out of a target's path (`user-grpc:1.0`, or `user-grpc` for version 1.0).
 * Throws an Error naming the target and the expected form when it is not one. @internal
 */
export function parseTargetPath(path: string): RegistryTargetService {
  const clean = path.replace(/^\/+/, '');
  const service = clean.includes(':') ? splitServiceKey(clean) : { serviceName: clean, serviceVersion: DEFAULTS.serviceVersion };
  if (!service || !FIELD_RULES.serviceName.valid(service.serviceName) || !FIELD_RULES.serviceVersion.valid(service.serviceVersion)) {
    throw new Error(
      `"${path}" is not a registry target path: expected "<serviceName>:<version>" as in registry:///user-grpc:1.0 ` +
        `(service name: ${FIELD_RULES.serviceName.rule}; version: ${FIELD_RULES.serviceVersion.rule}).`,
    );
  }
  return service;
}
