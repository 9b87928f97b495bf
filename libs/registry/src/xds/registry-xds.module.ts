import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryClient } from '../discovery/discovery-client.js';
import { checkXdsOptions, type XdsServerOptions } from './xds-options.js';
import { XdsServer } from './xds-server.js';
import { XDS_STATS } from './xds-stats.js';

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
 * shutdown; `XdsServer` is injectable anywhere (a global module) for its address and stats, and the
 * dashboard shows them. Options are validated when the module is created. @publicApi
 */
@Module({})
export class RegistryXdsModule {
  static forRoot(options: XdsServerOptions): DynamicModule {
    checkXdsOptions(options);
    return {
      module: RegistryXdsModule,
      global: true,
      providers: [
        { provide: XDS_STATS, useExisting: XdsServer },
        { provide: XdsServer, useFactory: (discovery: DiscoveryClient) => new XdsServer(discovery, options), inject: [DiscoveryClient] },
      ],
      exports: [XdsServer, XDS_STATS],
    };
  }
}
