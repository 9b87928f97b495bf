import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { DiscoveryClient } from '../discovery/discovery-client.js';
import { hostPort } from '../model/index.js';
import { adsServiceDefinition, grpcJs } from './xds-protos.js';
import { XDS_TYPES, type XdsTypeUrl } from './xds-resources.js';
import { XdsSnapshots } from './xds-snapshots.js';
import { XdsStream, type XdsRequest, type XdsResponse, type XdsStreamEvent } from './xds-stream.js';
import { XdsMetrics, typeLabel } from './xds-metrics.js';
import type { XdsStats, XdsStatsSource } from './xds-stats.js';
import { checkXdsOptions, type ResolvedXdsOptions, type XdsServerOptions } from './xds-options.js';

/** Longest wait for streams to end on `stop()` before they are cut. */
const STOP_GRACE_MS = 1_000;
/** Distinct NACK messages remembered (each is logged once). */
const NACKS_REMEMBERED = 1_000;

/**
 * An xDS control plane for gRPC clients (gRFC A27, proxyless): the ADS service
 * (`envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources`, State of the
 * World) serving the registry's gRPC services from a `DiscoveryClient`. A client whose bootstrap
 * names this server dials `xds:///user-grpc` (or `xds:///user-grpc:1.0`) and gets a Listener of that
 * name, its Cluster and its endpoints, pushed again on every change of the service. In a Nest app
 * (`RegistryXdsModule`) it starts at bootstrap and stops at shutdown; standalone, call
 * {@link start} and {@link stop}. @publicApi
 */
export class XdsServer implements OnApplicationBootstrap, OnApplicationShutdown, XdsStatsSource {
  private readonly options: ResolvedXdsOptions;
  private readonly logger = new Logger('RegistryXds');
  private readonly metrics = new XdsMetrics();
  /** Open streams: each one's call (ended on stop) and how it ends (once). */
  private readonly streams = new Map<XdsStream, { readonly call: ServerDuplexStream<XdsRequest, XdsResponse>; readonly end: () => void }>();
  private counts = { pushes: 0, nacks: 0 };
  private readonly nacked = new Set<string>();
  private snapshots: XdsSnapshots | undefined;
  private server: InstanceType<typeof grpcJs.Server> | undefined;
  private boundPort: number | undefined;

  constructor(
    private readonly discovery: DiscoveryClient,
    options: XdsServerOptions,
  ) {
    this.options = checkXdsOptions(options);
  }

  /** Clients with an open ADS stream now, and the responses sent and rejected (NACKed) so far. */
  get stats(): XdsStats {
    return { clients: this.streams.size, ...this.counts };
  }

  /** The port it listens on (after `start()`). */
  get port(): number | undefined {
    return this.boundPort;
  }

  /** `host:port` for a client's bootstrap `server_uri` (after `start()`). */
  get address(): string {
    return hostPort(this.options.host, this.boundPort ?? this.options.port);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Binds and starts serving; resolves with the port. */
  async start(): Promise<number> {
    if (this.server) return this.boundPort!;
    this.snapshots = new XdsSnapshots(this.discovery, {
      changed: (cluster) => {
        for (const stream of this.streams.keys()) stream.changed(XDS_TYPES.endpoints, cluster);
      },
      warn: (message) => this.logger.warn(message),
    });
    const server = new grpcJs.Server();
    server.addService(adsServiceDefinition(), {
      StreamAggregatedResources: (call: ServerDuplexStream<XdsRequest, XdsResponse>) => this.serve(call),
    });
    const { tls } = this.options;
    const credentials = tls
      ? grpcJs.ServerCredentials.createSsl(tls.ca ?? null, [{ private_key: tls.key, cert_chain: tls.cert }], tls.ca !== undefined)
      : grpcJs.ServerCredentials.createInsecure();
    const { host, port } = this.options;
    this.boundPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync(hostPort(host, port), credentials, (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    this.server = server;
    this.logger.log(`xDS (ADS) server listening on ${this.address}${tls ? ' (TLS)' : ''}`);
    return this.boundPort;
  }

  /** Ends every stream (clients keep their last resources and reconnect) and stops listening; stops following the registry. It may start again. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.snapshots?.close();
    if (!server) return;
    const open = [...this.streams.values()];
    for (const { call } of open) call.end();
    await new Promise<void>((resolve) => {
      const cut = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, STOP_GRACE_MS);
      cut.unref();
      server.tryShutdown(() => {
        clearTimeout(cut);
        resolve();
      });
    });
    for (const { end } of open) end(); // a stream whose call reported no end still counts as gone
  }

  private serve(call: ServerDuplexStream<XdsRequest, XdsResponse>): void {
    if (!this.snapshots || !this.server) {
      call.end(); // stopping
      return;
    }
    const view = this.snapshots.view();
    const { customize } = this.options;
    const source = customize
      ? {
          ...view,
          resources: (type: XdsTypeUrl, names: ReadonlySet<string>, zone: string) => view.resources(type, names, zone).map(customize),
        }
      : view;
    let node = '';
    const stream = new XdsStream(
      source,
      (response) => call.write(response),
      (event) => this.onEvent(event, node),
    );
    const end = () => {
      if (!this.streams.delete(stream)) return;
      view.release();
      this.metrics.connected(-1);
    };
    this.streams.set(stream, { call, end });
    this.metrics.connected(1);
    call.on('data', (request: XdsRequest) => {
      if (!node) node = request.node?.id || call.getPeer();
      if (!stream.request(request)) this.logger.debug(`xDS: ${node} asked for ${request.type_url}, which is not served`);
    });
    call.on('end', () => {
      end();
      call.end();
    });
    call.on('error', end);
    call.on('close', end);
    call.on('cancelled', end);
  }

  private onEvent(event: XdsStreamEvent, node: string): void {
    if (event.kind === 'push') {
      this.counts.pushes++;
      this.metrics.pushed(event.type);
    }
    if (event.kind !== 'nack') return;
    this.counts.nacks++;
    this.metrics.rejected(event.type);
    const key = `${event.type} ${event.message}`;
    if (this.nacked.has(key)) return;
    if (this.nacked.size >= NACKS_REMEMBERED) this.nacked.clear();
    this.nacked.add(key);
    this.logger.warn(
      `xDS: ${node} rejected ${typeLabel(event.type)} version ${event.version}: ${event.message} (it keeps its last accepted one)`,
    );
  }
}
