import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { DEFAULTS } from '../registry.constants.js';
import { MESSAGES } from '../registry.messages.js';
import { InvalidServiceError } from '../errors/registry.error.js';
import { RpcService, type RpcServiceOptions } from '../decorators/rpc-service.decorator.js';
import { isValidName, isValidVersion, NAME_RULE_TEXT, serviceKey, VERSION_RULE_TEXT } from '../model/service-instance.js';

/** One `@RpcService` class after validation and defaults. */
export interface RpcServiceDefinition {
  readonly className: string;
  readonly serviceName: string;
  readonly serviceVersion: string;
  readonly serviceGroup: string;
  readonly weight: number;
  readonly zone: string | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly protocol: string;
}

/** Validates one class's `@RpcService` options; throws naming the class, field, value and rule. */
export function toDefinition(className: string, options: RpcServiceOptions = {}): RpcServiceDefinition {
  const fail = (field: string, value: unknown, rule: string): never => {
    throw new InvalidServiceError(MESSAGES.invalidRpcService(className, field, value, rule));
  };
  const serviceName = options.name ?? className;
  if (!isValidName(serviceName)) fail('name', serviceName, NAME_RULE_TEXT);
  const serviceVersion = options.version ?? DEFAULTS.serviceVersion;
  if (!isValidVersion(serviceVersion)) fail('version', serviceVersion, VERSION_RULE_TEXT);
  const serviceGroup = options.group ?? DEFAULTS.serviceGroup;
  if (typeof serviceGroup !== 'string' || serviceGroup === '') fail('group', serviceGroup, 'a non-empty string');
  const weight = options.weight ?? DEFAULTS.weight;
  if (!Number.isInteger(weight) || weight < 0) fail('weight', weight, 'an integer ≥ 0');
  if (options.zone !== undefined && typeof options.zone !== 'string') fail('zone', options.zone, 'a string');
  const metadata = options.metadata ?? {};
  if (typeof metadata !== 'object' || metadata === null || Object.values(metadata).some((v) => typeof v !== 'string')) {
    fail('metadata', metadata, 'a map of strings');
  }
  const protocol = options.protocol ?? DEFAULTS.protocol;
  if (typeof protocol !== 'string' || protocol === '') fail('protocol', protocol, 'a non-empty string');
  return Object.freeze({
    className,
    serviceName,
    serviceVersion,
    serviceGroup,
    weight,
    zone: options.zone ?? null,
    metadata: Object.freeze({ ...metadata }),
    protocol,
  });
}

/**
 * Collects the `@RpcService` classes of the app at `onModuleInit`. No I/O: registration is the
 * orchestrator's job, once the app can serve.
 */
@Injectable()
export class RpcServiceExplorer implements OnModuleInit {
  private found: readonly RpcServiceDefinition[] = [];

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    const byClass = new Map<{ readonly name: string }, RpcServiceOptions | undefined>();
    const wrappers = [
      ...this.discovery.getProviders({ metadataKey: RpcService.KEY }),
      ...this.discovery.getControllers({ metadataKey: RpcService.KEY }),
    ];
    for (const wrapper of wrappers) {
      const type = wrapper.metatype;
      if (typeof type !== 'function' || byClass.has(type)) continue;
      byClass.set(type, this.discovery.getMetadataByDecorator(RpcService, wrapper));
    }
    const definitions = [...byClass].map(([type, options]) => toDefinition(type.name, options));
    const classesByKey = new Map<string, string[]>();
    for (const d of definitions) {
      const key = serviceKey(d.serviceName, d.serviceVersion);
      classesByKey.set(key, [...(classesByKey.get(key) ?? []), d.className]);
    }
    for (const [key, classes] of classesByKey) {
      if (classes.length > 1) throw new InvalidServiceError(MESSAGES.duplicateRpcService(key, classes));
    }
    this.found = Object.freeze(definitions);
  }

  /** The validated `@RpcService` declarations, in discovery order. */
  get definitions(): readonly RpcServiceDefinition[] {
    return this.found;
  }
}
