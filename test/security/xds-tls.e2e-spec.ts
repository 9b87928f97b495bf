import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { createDiscoveryClient, memory, MemoryRegistryStore, type DiscoveryClient } from 'nest-service-registry';
import { XDS_TYPES, XdsServer } from 'nest-service-registry/xds';
import { TestCertificates } from '../../scripts/lib/certificates.mjs';
import { adsServiceDefinition } from '../../libs/registry/src/xds/xds-protos.js';

// Issue 31: the xDS server over mutual TLS (openssl-made certificates). No xDS client available
// here takes TLS channel credentials from its bootstrap (grpc-js-xds 1.14: insecure and
// google_default only; Debian's grpcio 1.51 predates gRFC A65), so this asks for a Listener on a
// plain grpc-js ADS stream: what a client with TLS credentials would send first.
let pki: TestCertificates;
let discovery: DiscoveryClient;
let server: XdsServer;
const Ads = grpc.makeClientConstructor(adsServiceDefinition(), 'AggregatedDiscoveryService');

interface ListenerResponse {
  readonly type_url: string;
  readonly resources: ReadonlyArray<{ readonly name?: string }>;
}

/** Resolves with the type and names of the first response to a Listener request, or rejects with the stream's error. */
function firstListener(credentials: grpc.ChannelCredentials): Promise<{ type: string; names: string[] }> {
  const client = new Ads(`localhost:${server.port}`, credentials) as unknown as grpc.Client & {
    StreamAggregatedResources(): grpc.ClientDuplexStream<object, ListenerResponse>;
  };
  const stream = client.StreamAggregatedResources();
  return new Promise<{ type: string; names: string[] }>((resolve, reject) => {
    stream.on('data', (response: ListenerResponse) =>
      resolve({ type: response.type_url, names: response.resources.map((r) => r.name ?? '') }),
    );
    stream.on('error', reject);
    stream.write({
      type_url: XDS_TYPES.listener,
      resource_names: ['user-grpc'],
      version_info: '',
      response_nonce: '',
      node: { id: 'tls-test' },
    });
  }).finally(() => {
    stream.cancel();
    client.close();
  });
}

beforeAll(async () => {
  pki = TestCertificates.create();
  discovery = await createDiscoveryClient({ backend: memory({ store: new MemoryRegistryStore() }), host: '127.0.0.1' });
  const pem = (path: string) => readFileSync(path);
  server = new XdsServer(discovery, { port: 0, tls: { cert: pem(pki.server.cert), key: pem(pki.server.key), ca: pem(pki.ca.cert) } });
  await server.start();
});

afterAll(async () => {
  await server?.stop();
  await discovery?.close();
  pki?.remove();
});

describe('the xDS server over mutual TLS', () => {
  it('answers a client with a certificate its CA signed', async () => {
    const credentials = grpc.credentials.createSsl(readFileSync(pki.ca.cert), readFileSync(pki.client.key), readFileSync(pki.client.cert));
    expect(await firstListener(credentials)).toEqual({ type: XDS_TYPES.listener, names: ['user-grpc'] });
  });

  it('refuses a client without a certificate, with a rogue one, or in plaintext', async () => {
    const ca = readFileSync(pki.ca.cert);
    await expect(firstListener(grpc.credentials.createSsl(ca))).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    const rogue = grpc.credentials.createSsl(ca, readFileSync(pki.rogueClient.key), readFileSync(pki.rogueClient.cert));
    await expect(firstListener(rogue)).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    await expect(firstListener(grpc.credentials.createInsecure())).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    expect(server.stats.clients).toBe(0);
  });
});
