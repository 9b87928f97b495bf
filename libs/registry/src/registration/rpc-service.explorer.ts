import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { DEFAULTS } from '../registry.constants.js';
import { MESSAGES } from '../registry.messages.js';
import { InvalidServiceError } from '../errors/registry.error.js';
import { RpcService, rpcServiceMarker, type RpcServiceOptions, type RpcTransport } from '../decorators/rpc-service.decorator.js';
import { fieldDefaults, FIELD_RULES, serviceKey, type FieldRule, type InstanceField } from '../model/index.js';
import { servedEndpoints, servesGrpc, servesNothing, type Endpoint } from './served-endpoints.js';
import { keysOf, nearestKey } from '../options/unknown-keys.js';

/** A class marked with `@RpcService`. @internal */
export type RpcServiceClass = abstract new (...args: never[]) => unknown;

/** One `@RpcService` class after validation and defaults. @internal */
export interface RpcServiceDefinition {
  readonly className: string;
  readonly serviceName: string;
  readonly serviceVersion: string;
  readonly serviceGroup: string;
  readonly weight: number;
  readonly zone: string | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly protocol: string;
  /** The servers the class is registered for. */
  readonly endpoints: readonly Endpoint[];
  /** Served by a gRPC server (`@GrpcMethod` handlers), not by the app's other microservice servers. */
  readonly grpc: boolean;
  /** No route, no handler and no explicit `transport`: nothing the app serves is this class. */
  readonly unhosted: boolean;
}

/** Which instance field each `@RpcService` option fills. */
const OPTION_FIELDS = {
  name: 'serviceName',
  version: 'serviceVersion',
  group: 'serviceGroup',
  weight: 'weight',
  zone: 'zone',
  metadata: 'metadata',
  protocol: 'protocol',
} as const satisfies Record<Exclude<keyof RpcServiceOptions, 'transport'>, InstanceField>;

const TRANSPORTS: readonly RpcTransport[] = ['http', 'microservice', 'both'];

/** Validates one class's `@RpcService` options with the instance field rules; throws naming the class, option, value and rule. @internal */
const RPC_SERVICE_KEYS = keysOf<RpcServiceOptions>()(['name', 'version', 'group', 'weight', 'zone', 'metadata', 'protocol', 'transport']);

export function toDefinition(type: RpcServiceClass, options: RpcServiceOptions = {}): RpcServiceDefinition {
  const className = type.name;
  const unknown = Object.keys(options).find((key) => !RPC_SERVICE_KEYS.includes(key));
  if (unknown !== undefined) {
    throw new InvalidServiceError(
      MESSAGES.unknownRpcServiceOption(className, unknown, nearestKey(unknown, RPC_SERVICE_KEYS), RPC_SERVICE_KEYS),
    );
  }
  const given = { ...options, name: options.name ?? className };
  if (given.transport !== undefined && !TRANSPORTS.includes(given.transport)) {
    throw new InvalidServiceError(MESSAGES.invalidRpcService(className, 'transport', given.transport, TRANSPORTS.join(' | ')));
  }
  for (const [option, field] of Object.entries(OPTION_FIELDS) as Array<[keyof typeof OPTION_FIELDS, InstanceField]>) {
    const value = given[option];
    const rule: FieldRule = FIELD_RULES[field];
    if (value !== undefined && !rule.valid(value))
      throw new InvalidServiceError(MESSAGES.invalidRpcService(className, option, value, rule.rule));
  }
  const serviceVersion = given.version ?? DEFAULTS.serviceVersion;
  const defaults = fieldDefaults({ serviceName: given.name, serviceVersion, serviceHost: '', servicePort: 0 }, '');
  return Object.freeze({
    className,
    serviceName: given.name,
    serviceVersion,
    serviceGroup: given.group ?? defaults.serviceGroup,
    weight: given.weight ?? defaults.weight,
    zone: given.zone ?? defaults.zone,
    metadata: Object.freeze({ ...(given.metadata ?? defaults.metadata) }),
    protocol: given.protocol ?? defaults.protocol,
    endpoints: Object.freeze(servedEndpoints(type, given.transport)),
    grpc: servesGrpc(type),
    unhosted: given.transport === undefined && servesNothing(type),
  });
}

/**
 * Collects the `@RpcService` classes of the app at `onModuleInit`. No I/O: registration is the
 * orchestrator's job, once the app can serve.
 * @internal
 */
@Injectable()
export class RpcServiceExplorer implements OnModuleInit {
  private found: readonly RpcServiceDefinition[] = [];

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    const byClass = new Map<RpcServiceClass, RpcServiceOptions | undefined>();
    const wrappers = [
      ...this.discovery.getProviders({ metadataKey: RpcService.KEY }),
      ...this.discovery.getControllers({ metadataKey: RpcService.KEY }),
    ];
    for (const wrapper of wrappers) {
      const type = wrapper.metatype as RpcServiceClass | null;
      if (typeof type !== 'function' || byClass.has(type)) continue;
      byClass.set(type, this.discovery.getMetadataByDecorator(rpcServiceMarker, wrapper));
    }
    const definitions = [...byClass].map(([type, options]) => toDefinition(type, options));
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
