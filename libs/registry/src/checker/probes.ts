import { connect } from 'node:net';
import type * as GrpcJs from '@grpc/grpc-js';
import { requirePeer } from '../backends/require-peer.js';
import { hostPort, type InstanceCheck } from '../model/index.js';

/** What one probe saw. @internal */
export interface ProbeResult {
  readonly ok: boolean;
  /** Short and printable, e.g. `HTTP 200`, `connected`, `SERVING`, `connect ECONNREFUSED`. */
  readonly detail: string;
}

type Target = Pick<InstanceCheck, 'type' | 'path' | 'timeout'> & { readonly host: string; readonly port: number };

const message = (error: unknown): string => {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code; // fetch's "fetch failed" says why in its cause (ECONNREFUSED...)
  const e = error as { code?: unknown; message?: unknown; name?: unknown };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timed out';
  const text = typeof e?.code === 'string' ? e.code : typeof e?.message === 'string' ? e.message : String(error);
  return text.slice(0, 200);
};

async function probeHttp({ host, port, path, timeout }: Target): Promise<ProbeResult> {
  const response = await fetch(`http://${hostPort(host, port)}${path}`, { signal: AbortSignal.timeout(timeout), redirect: 'manual' });
  await response.body?.cancel();
  return { ok: response.status >= 200 && response.status < 300, detail: `HTTP ${response.status}` };
}

function probeTcp({ host, port, timeout }: Target): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout });
    const done = (result: ProbeResult) => {
      socket.destroy();
      resolve(result);
    };
    socket.once('connect', () => done({ ok: true, detail: 'connected' }));
    socket.once('timeout', () => done({ ok: false, detail: 'timed out' }));
    socket.once('error', (error) => done({ ok: false, detail: `connect ${message(error)}` }));
  });
}

// grpc.health.v1: HealthCheckRequest { string service = 1; }, HealthCheckResponse { ServingStatus status = 1; } (SERVING = 1).
// Two one-field messages, encoded by hand rather than loading a .proto.
const encodeRequest = (service: string): Buffer => {
  const name = Buffer.from(service);
  if (name.length === 0) return Buffer.alloc(0);
  const length: number[] = [];
  for (let n = name.length; ; n >>>= 7) {
    if (n < 0x80) {
      length.push(n);
      break;
    }
    length.push((n & 0x7f) | 0x80);
  }
  return Buffer.concat([Buffer.from([0x0a, ...length]), name]);
};
const decodeStatus = (bytes: Buffer): number => (bytes.length >= 2 && bytes[0] === 0x08 ? bytes[1]! : 0);
const STATUS_NAMES = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

function probeGrpc({ host, port, path, timeout }: Target): Promise<ProbeResult> {
  const grpc = requirePeer<typeof GrpcJs>('@grpc/grpc-js', 'The gRPC health check of the registry checker');
  const client: GrpcJs.Client = new grpc.Client(hostPort(host, port), grpc.credentials.createInsecure());
  return new Promise<ProbeResult>((resolve) => {
    client.makeUnaryRequest(
      '/grpc.health.v1.Health/Check',
      (service: string) => encodeRequest(service),
      (bytes: Buffer) => decodeStatus(bytes),
      path,
      new grpc.Metadata(),
      { deadline: Date.now() + timeout },
      (error, status) => {
        if (error) resolve({ ok: false, detail: `gRPC ${grpc.status[error.code] ?? error.code}: ${message(error.details)}` });
        else resolve({ ok: status === 1, detail: STATUS_NAMES[status ?? 0] ?? `status ${status}` });
      },
    );
  }).finally(() => client.close());
}

const PROBES = { http: probeHttp, tcp: probeTcp, grpc: probeGrpc } as const;

/** Runs the check of `target` once; never rejects (a failure is a failed result). @internal */
export async function probe(target: Target): Promise<ProbeResult> {
  try {
    return await PROBES[target.type](target);
  } catch (error) {
    return { ok: false, detail: message(error) };
  }
}
