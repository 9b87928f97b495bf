import { XDS_TYPES, type XdsResource, type XdsTypeUrl } from './xds-resources.js';

/** A DiscoveryRequest as proto-loader decodes it (`keepCase`, `defaults`). @internal */
export interface XdsRequest {
  readonly type_url: string;
  readonly resource_names: readonly string[];
  readonly version_info: string;
  readonly response_nonce: string;
  readonly error_detail?: { readonly code?: number; readonly message?: string } | null;
  readonly node?: { readonly id?: string; readonly locality?: { readonly zone?: string } | null } | null;
}

/** A DiscoveryResponse to write (State of the World: every resource of the type the client subscribed to). @internal */
export interface XdsResponse {
  readonly type_url: XdsTypeUrl;
  readonly version_info: string;
  readonly nonce: string;
  readonly resources: readonly XdsResource[];
}

/** What a stream serves from: the resources of one type by name (absent: not known, or not loaded yet). @internal */
export interface XdsSource {
  /** `zone`: the client's own (its node's locality), '' for none; endpoints in it come first. */
  resources(type: XdsTypeUrl, names: ReadonlySet<string>, zone: string): XdsResource[];
  /** The names of `type` this stream follows now (the source loads what it needs and drops the rest). */
  follow(type: XdsTypeUrl, names: ReadonlySet<string>): void;
}

/** What happened on a stream, for the server's logs and metrics. @internal */
export type XdsStreamEvent =
  | { readonly kind: 'push'; readonly type: XdsTypeUrl; readonly version: string; readonly count: number }
  | { readonly kind: 'ack'; readonly type: XdsTypeUrl; readonly version: string }
  | { readonly kind: 'nack'; readonly type: XdsTypeUrl; readonly version: string; readonly message: string };

interface TypeState {
  names: ReadonlySet<string>;
  /** Responses sent for this type: the next version. */
  sent: number;
  /** Nonce of the last response; a request quoting another one is stale. */
  nonce: string;
  /** The version the client last accepted ('' before any). */
  acked: string;
}

const KNOWN: ReadonlySet<string> = new Set(Object.values(XDS_TYPES));
const sameNames = (a: ReadonlySet<string>, b: ReadonlySet<string>) => a.size === b.size && [...a].every((n) => b.has(n));

/**
 * The State-of-the-World protocol of one ADS stream (Envoy's xDS protocol): each type's
 * subscription, versions and nonces, ACKs and NACKs. A request with a new set of names is answered
 * with every resource of those names the source has; a registry change is pushed with
 * {@link changed}. A NACK leaves the client on its last accepted version: nothing is re-sent until
 * the resource changes again. A request quoting an old nonce is stale and ignored. Pure: the server
 * writes what `send` gets. @internal
 */
export class XdsStream {
  private readonly types = new Map<XdsTypeUrl, TypeState>();
  private nonces = 0;
  /** The client's zone, from the first request that names its node ('' for none). */
  private zone: string | undefined;

  constructor(
    private readonly source: XdsSource,
    private readonly send: (response: XdsResponse) => void,
    private readonly report: (event: XdsStreamEvent) => void = () => undefined,
  ) {}

  /** The client's latest request. Returns `false` for a type this server does not serve (ignored). */
  request(request: XdsRequest): boolean {
    if (request.node) this.zone ??= request.node.locality?.zone ?? '';
    if (!KNOWN.has(request.type_url)) return false;
    const type = request.type_url as XdsTypeUrl;
    let state = this.types.get(type);
    if (state && request.response_nonce !== '' && request.response_nonce !== state.nonce) return true; // stale
    const detail = request.error_detail;
    if (state && detail && (detail.code || detail.message)) {
      this.report({ kind: 'nack', type, version: `${state.sent}`, message: detail.message ?? `code ${detail.code}` });
    } else if (state && request.response_nonce !== '' && state.acked !== request.version_info) {
      state.acked = request.version_info;
      this.report({ kind: 'ack', type, version: request.version_info });
    }
    const names = new Set(request.resource_names);
    if (state && sameNames(state.names, names)) return true; // an ACK or NACK: nothing new to send
    if (!state) {
      state = { names, sent: 0, nonce: '', acked: '' };
      this.types.set(type, state);
    }
    state.names = names;
    this.source.follow(type, names);
    this.push(type, state);
    return true;
  }

  /** Resources of `type` named `name` changed: pushed when this stream follows that name. */
  changed(type: XdsTypeUrl, name: string): void {
    const state = this.types.get(type);
    if (state?.names.has(name)) this.push(type, state);
  }

  /** The names this stream follows, by type (for the server's bookkeeping when it ends). */
  following(): ReadonlyMap<XdsTypeUrl, ReadonlySet<string>> {
    return new Map([...this.types].map(([type, state]) => [type, state.names]));
  }

  private push(type: XdsTypeUrl, state: TypeState): void {
    const resources = this.source.resources(type, state.names, this.zone ?? '');
    state.sent++;
    state.nonce = `${++this.nonces}`;
    const version = `${state.sent}`;
    this.send({ type_url: type, version_info: version, nonce: state.nonce, resources });
    this.report({ kind: 'push', type, version, count: resources.length });
  }
}
