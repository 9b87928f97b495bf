import { Module, type DynamicModule, type Provider, type Type } from '@nestjs/common';
import { createDashboardController } from './dashboard.controller.js';
import { resolveDashboardOptions, type RegistryDashboardOptions } from './dashboard.options.js';
import { DASHBOARD_OPTIONS, DashboardState } from './dashboard.state.js';

/**
 * A live page of the registry, served by the app itself:
 *
 * ```ts
 * RegistryDashboardModule.forRoot({ path: '/registry/dashboard' });
 * // read-write (drain/undrain this process's instances), behind the app's own guard:
 * RegistryDashboardModule.forRoot({ readOnly: false, guards: [AdminGuard] });
 * ```
 * Lists every service of the namespace with healthy/total instances and each instance's fields,
 * this process's lease and registrations, stale state and recent events, live over server-sent
 * events. Every asset is served by the module. Needs `RegistryModule` (global by default).
 * Options are validated when the module is created. @publicApi
 */
@Module({})
export class RegistryDashboardModule {
  static forRoot(options: RegistryDashboardOptions = {}): DynamicModule {
    const resolved = resolveDashboardOptions(options);
    const guardClasses = resolved.guards.filter((g): g is Type => typeof g === 'function');
    const providers: Provider[] = [{ provide: DASHBOARD_OPTIONS, useValue: resolved }, DashboardState, ...guardClasses];
    return { module: RegistryDashboardModule, controllers: [createDashboardController(resolved)], providers };
  }
}
