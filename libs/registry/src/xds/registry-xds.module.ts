import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryClient } from '../discovery/discovery-client.js';
import { checkXdsOptions, type XdsServerOptions } from './xds-options.js';
import { XdsServer } from './xds-server.js';

/**
 * Serves the registry's gRPC services over xDS from this app (it needs `RegistryModule`, global by
 * default):
 *
 * ```ts
 * @Module({ imports: [RegistryModule.forRoot({ backend }), RegistryXdsModule.forRoot({ port: 18000 })] })
 * export class ControlPlaneModule {}
 * ```
 * gRPC clients in any language then dial `xds:///user-grpc` with a bootstrap naming
 * `127.0.0.1:18000` (`writeXdsBootstrap()`). The server listens from application bootstrap to
 * shutdown; inject `XdsServer` for its port and client count. Options are validated when the
 * module is created. @publicApi
 */
@Module({})
export class RegistryXdsModule {
  static forRoot(options: XdsServerOptions): DynamicModule {
    checkXdsOptions(options);
    return {
      module: RegistryXdsModule,
      providers: [
        { provide: XdsServer, useFactory: (discovery: DiscoveryClient) => new XdsServer(discovery, options), inject: [DiscoveryClient] },
      ],
      exports: [XdsServer],
    };
  }
}
