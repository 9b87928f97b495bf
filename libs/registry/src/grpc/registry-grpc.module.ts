import { Inject, Injectable, Logger, Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryClient } from '../discovery/discovery-client.js';
import { invalidOption } from '../options/option-rules.js';
import { REGISTRY_GRPC_SCHEME } from './grpc-target.js';
import { grpcJs } from './grpc-js.peer.js';
import { createRegistryResolver } from './registry-resolver.js';
import { registerZonePolicy } from './zone-balancer.js';
import { REGISTRY_OPTIONS } from '../registry.constants.js';
import type { ResolvedRegistryOptions } from '../interfaces/registry-module-options.interface.js';

/** What `RegistryGrpcModule.forRoot()` takes. @publicApi */
export interface RegistryGrpcOptions {
  /** The target scheme the resolver serves (`<scheme>:///<name>:<version>`). Default `registry`. */
  scheme?: string;
}

const GRPC_OPTIONS = Symbol('REGISTRY_GRPC_OPTIONS');
const SCHEME = /^[a-z][a-z0-9+.-]*$/;

/**
 * Registers the resolver with `@grpc/grpc-js` when the module is created, before any client of the
 * app opens a channel (Nest's `ClientGrpc` does so in `getService()`). grpc-js keeps one resolver
 * per scheme per process: the last app to register a scheme serves it. @internal
 */
@Injectable()
export class RegistryGrpcResolver {
  constructor(
    discovery: DiscoveryClient,
    @Inject(GRPC_OPTIONS) options: Required<RegistryGrpcOptions>,
    @Inject(REGISTRY_OPTIONS) registry: ResolvedRegistryOptions,
  ) {
    registerZonePolicy(grpcJs);
    grpcJs.experimental.registerResolver(options.scheme, createRegistryResolver(grpcJs, discovery, registry.zone));
    new Logger('RegistryGrpc').debug(`gRPC targets ${options.scheme}:///<service>:<version> resolve through the registry`);
  }
}

/**
 * gRPC clients resolved through the registry: import it next to `RegistryModule`, then dial
 * `registry:///<service>:<version>` with `registryChannelOptions()` (round_robin, preferring the
 * module's `zone` when it has one):
 *
 * ```ts
 * imports: [
 *   RegistryGrpcModule.forRoot(),
 *   ClientsModule.register([{ name: 'USERS', transport: Transport.GRPC, options: {
 *     package: 'users', protoPath, url: registryTarget('user-grpc', '1.0'), channelOptions: registryChannelOptions() } }]),
 * ]
 * ```
 * @publicApi
 */
@Module({})
export class RegistryGrpcModule {
  static forRoot(options: RegistryGrpcOptions = {}): DynamicModule {
    const scheme = options.scheme ?? REGISTRY_GRPC_SCHEME;
    if (typeof scheme !== 'string' || !SCHEME.test(scheme) || ['dns', 'ipv4', 'ipv6', 'unix', 'unix-abstract', 'vsock'].includes(scheme)) {
      invalidOption(
        'grpc.scheme',
        scheme,
        'a URI scheme (lowercase letter, then letters, digits, + . -) other than grpc-js’ own (dns, ipv4, ipv6, unix...)',
      );
    }
    return {
      module: RegistryGrpcModule,
      providers: [{ provide: GRPC_OPTIONS, useValue: { scheme } }, RegistryGrpcResolver],
      exports: [RegistryGrpcResolver],
    };
  }
}
