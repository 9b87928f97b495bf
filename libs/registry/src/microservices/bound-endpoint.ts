import type { INestMicroservice } from '@nestjs/common';
import { connect, Server } from 'node:net';
import { MESSAGES } from '../registry.messages.js';
import { RegistryOptionsError } from '../errors/registry.error.js';
import { FIELD_RULES } from '../model/index.js';

/** Nest's gRPC server refuses `unwrap()` with this (the gRPC e2e tests fail if Nest's wording changes). */
const GRPC_UNWRAP = /not supported for gRPC/;

/**
 * The endpoint a listening Nest microservice server bound, or `undefined` when its transport has
 * none to advertise (a broker client). Throws when the server is not listening yet. A gRPC server
 * is told apart by the words of Nest's refusal to unwrap it: it has no other mark. @internal
 */
export function boundEndpoint(
  server: INestMicroservice,
  grpcPort: number | undefined,
): { port: number; protocol: string; listener?: Server } | undefined {
  let inner: unknown;
  try {
    inner = server.unwrap<unknown>();
  } catch (error) {
    if (error instanceof Error && GRPC_UNWRAP.test(error.message)) {
      if (!FIELD_RULES.servicePort.valid(grpcPort)) throw new RegistryOptionsError(MESSAGES.grpcPortNeeded(grpcPort), 'grpcPort', grpcPort);
      return { port: grpcPort as number, protocol: 'grpc' };
    }
    throw new RegistryOptionsError(MESSAGES.microserviceNotListening(error), 'app', 'not listening', { cause: error });
  }
  if (!(inner instanceof Server)) return undefined;
  const address = inner.address();
  if (address === null || typeof address !== 'object')
    throw new RegistryOptionsError(MESSAGES.microserviceNotListening('no address'), 'app', 'not listening');
  return { port: address.port, protocol: 'tcp', listener: inner };
}

/** Resolves once `host:port` accepts a TCP connection (the gRPC server listens there); rejects naming it otherwise. @internal */
export function probe(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, timeout: 2_000 });
    const fail = (error: unknown) => {
      socket.destroy();
      reject(new RegistryOptionsError(MESSAGES.grpcPortClosed(host, port, error), 'grpcPort', port, { cause: error }));
    };
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => fail('no answer within 2 s'));
    socket.once('error', fail);
  });
}
