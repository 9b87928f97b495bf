/**
 * `nest-service-registry/dashboard`: a live registry page for operators.
 * @packageDocumentation
 */
export { RegistryDashboardModule } from './registry-dashboard.module.js';
export type { DashboardGuard, RegistryDashboardOptions } from './dashboard.options.js';
export type {
  DashboardEvent,
  DashboardInstance,
  DashboardRegistration,
  DashboardService,
  DashboardSnapshot,
  DashboardXds,
} from './dashboard-snapshot.js';
