/** Injection token under which `RegistryXdsModule` provides its server's {@link XdsStatsSource} (read by the dashboard). @internal */
export const XDS_STATS = Symbol('nest-service-registry:xds-stats');

/** What an xDS server has done: clients connected now, responses sent and rejected so far. @publicApi */
export interface XdsStats {
  readonly clients: number;
  readonly pushes: number;
  readonly nacks: number;
}

/** An xDS server as the dashboard sees it (no gRPC import needed to read it). @internal */
export interface XdsStatsSource {
  readonly address: string;
  readonly stats: XdsStats;
}
