import { Module, type DynamicModule } from '@nestjs/common';
import { CHECKER_OPTIONS } from './checker.constants.js';
import { resolveCheckerOptions, type RegistryCheckerOptions } from './checker.options.js';
import { RegistryChecker } from './registry-checker.js';

/**
 * Runs the permanent-instance health checker in this app:
 *
 * ```ts
 * @Module({ imports: [RegistryModule.forRoot({ backend }), RegistryCheckerModule.forRoot()] })
 * export class CheckerAppModule {}
 * ```
 * Run it in two or three apps: they elect one leader per namespace on the registry's own backend,
 * and only the leader probes and writes. When it dies, another takes over within `ttl` plus one
 * follower campaign period (`ttl / 8`, 100 ms to 1 s). Needs `RegistryModule` (global by default). Options are validated
 * when the module is created. @publicApi
 */
@Module({})
export class RegistryCheckerModule {
  static forRoot(options: RegistryCheckerOptions = {}): DynamicModule {
    const resolved = resolveCheckerOptions(options);
    return {
      module: RegistryCheckerModule,
      providers: [{ provide: CHECKER_OPTIONS, useValue: resolved }, RegistryChecker],
      exports: [RegistryChecker],
    };
  }
}
