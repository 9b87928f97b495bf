import type { INestMicroservice } from '@nestjs/common';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import type { Server } from 'node:net';

/** A Nest TCP microservice server on a free loopback port. */
export const TCP_ON_PORT_0 = { transport: Transport.TCP, options: { host: '127.0.0.1', port: 0 } } satisfies MicroserviceOptions;

/** The port a listening Nest TCP microservice server bound. */
export function tcpPortOf(app: INestMicroservice): number {
  const address = app.unwrap<Server>().address();
  if (typeof address !== 'object' || address === null) throw new Error('not listening');
  return address.port;
}
