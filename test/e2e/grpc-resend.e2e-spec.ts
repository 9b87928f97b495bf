import { afterEach, describe, expect, it } from '@jest/globals';
import * as grpc from '@grpc/grpc-js';
import * as loader from '@grpc/proto-loader';
import { ClientGrpcProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout, type Observable } from 'rxjs';
import { USERS_PROTO } from '@app/demo-config';
import { registryChannelOptions } from 'nest-service-registry/grpc';
import { freePort } from '../../scripts/lib/ports.mjs';
import { ServerProcess } from '../../scripts/lib/server-process.mjs';

// gRPC's retry policy stops once a call's response headers arrived ("committed"): a provider
// SIGKILLed between its headers and its status fails the call, idempotent or not (1 call in about
// 10 runs of grpc.e2e-spec's SIGKILL case). registryChannelOptions({ retry }) sends such calls of
// the idempotent services again. Real grpc-js servers in child processes; one sends its headers,
// then kills itself.
type Mode = 'answer' | 'crash-after-headers';
interface UsersClient extends grpc.Client {
  Get(
    request: { id: string },
    options: grpc.CallOptions,
    callback: (error: grpc.ServiceError | null, user?: { servedBy: string }) => void,
  ): void;
}
const Users = (grpc.loadPackageDefinition(loader.loadSync(USERS_PROTO)) as { users: { UserService: grpc.ServiceClientConstructor } }).users
  .UserService as unknown as new (target: string, credentials: grpc.ChannelCredentials, options: object) => UsersClient;

const started: ServerProcess[] = [];
const clients: Array<{ close: () => void }> = [];

async function server(mode: Mode): Promise<{ server: ServerProcess; port: number }> {
  const port = await freePort();
  const server = new ServerProcess(`gRPC users server (${mode})`);
  started.push(server);
  const env = { ...process.env, PORT: String(port), MODE: mode };
  await server.start(
    process.execPath,
    ['test/fixtures/grpc-user-server.mjs'],
    () => Promise.resolve(server.output.includes('listening')),
    15_000,
    { env },
  );
  return { server, port };
}

/** A client of the two servers' `ipv4:` target: `get` resolves what a call gave ("served by …" or the error). */
type Caller = (target: string) => { get: (id: string) => Promise<string>; close: () => void };
const failure = (error: { code?: number; details?: string }) => `${grpc.status[error.code ?? -1]}: ${error.details}`;

/** A plain grpc-js client with `options`. */
const plainClient =
  (options: object): Caller =>
  (target) => {
    const client = new Users(target, grpc.credentials.createInsecure(), options);
    const get = (id: string) =>
      new Promise<string>((resolve) =>
        client.Get({ id }, { deadline: Date.now() + 5_000 }, (error, user) =>
          resolve(error ? failure(error) : `served by ${user?.servedBy}`),
        ),
      );
    return { get, close: () => client.close() };
  };

/** Nest's ClientGrpc with `registryChannelOptions({ retry })` as its channelOptions, as the README shows. */
const nestClient: Caller = (target) => {
  const client = new ClientGrpcProxy({
    package: 'users',
    protoPath: USERS_PROTO,
    url: target,
    channelOptions: registryChannelOptions({ retry: { services: ['users.UserService'] } }),
  });
  const users = client.getService<{ get(request: { id: string }): Observable<{ servedBy: string }> }>('UserService');
  const get = (id: string) => firstValueFrom(users.get({ id }).pipe(timeout(5_000))).then((user) => `served by ${user.servedBy}`, failure);
  return { get, close: () => client.close() };
};

/**
 * Calls until the crashing server's exit has been seen (200 calls at most), then waits for that
 * exit (10 s at most); resolves whether it crashed and what each call gave. Calls made between
 * the crash and its exit event are answered by the other server, so how late the exit event
 * comes changes only how many calls are made.
 */
async function callUntilGone(caller: Caller): Promise<{ crashed: boolean; answers: string[] }> {
  const crashing = await server('crash-after-headers');
  const answering = await server('answer');
  const client = caller(`ipv4:127.0.0.1:${crashing.port},127.0.0.1:${answering.port}`);
  clients.push(client);
  let gone = false;
  void crashing.server.exited.then(() => (gone = true));
  const answers: string[] = [];
  for (let i = 0; i < 200 && !gone; i++) answers.push(await client.get(String(i)));
  const deadline = new Promise<void>((resolve) => setTimeout(resolve, 10_000).unref());
  await Promise.race([crashing.server.exited, deadline]);
  return { crashed: gone, answers };
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

describe('registryChannelOptions({ retry }): a unary call whose instance dies after its response headers', () => {
  it('is sent again to another instance and succeeds', async () => {
    const { crashed, answers } = await callUntilGone(plainClient(registryChannelOptions({ retry: { services: ['users.UserService'] } })));
    expect(crashed).toBe(true);
    expect(answers.filter((a) => !a.startsWith('served by'))).toEqual([]);
  }, 60_000);

  it("is sent again through Nest's ClientGrpc, which hands the channelOptions' interceptors to grpc-js", async () => {
    const { crashed, answers } = await callUntilGone(nestClient);
    expect(crashed).toBe(true);
    expect(answers.filter((a) => !a.startsWith('served by'))).toEqual([]);
  }, 60_000);

  it("fails with gRPC's retry policy alone (what the interceptor adds)", async () => {
    const { 'grpc.service_config': serviceConfig } = registryChannelOptions({ retry: { services: ['users.UserService'] } });
    const { crashed, answers } = await callUntilGone(plainClient({ 'grpc.service_config': serviceConfig }));
    expect(crashed).toBe(true);
    expect(answers.filter((a) => !a.startsWith('served by'))).toEqual([expect.stringMatching(/^UNAVAILABLE: /)]);
  }, 60_000);
});
