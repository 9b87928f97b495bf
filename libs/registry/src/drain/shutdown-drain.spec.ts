import { afterEach, describe, expect, it } from '@jest/globals';
import type { HttpAdapterHost } from '@nestjs/core';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { ResolvedRegistryOptions } from '../interfaces/registry-module-options.interface.js';
import { ShutdownDrain } from './shutdown-drain.js';

// The drain with a real HTTP server on loopback: requests counted, Connection: close while
// draining, the listener closed after drainDelay, the run waiting for the work in flight.
const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.closeAllConnections();
});

function drainOf(server: Server | undefined, drainDelay: number, shutdownTimeout = 2_000): ShutdownDrain {
  const options = { drainDelay, shutdownTimeout } as ResolvedRegistryOptions;
  const host = server && ({ httpAdapter: { getHttpServer: () => server } } as unknown as HttpAdapterHost);
  const drain = new ShutdownDrain(options, host);
  drain.onApplicationBootstrap();
  return drain;
}

/** A server whose requests wait for `release()`. */
async function slowServer() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const server = createServer((_request, response) => void released.then(() => response.end('done')));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, release };
}

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(true));
  });

describe('ShutdownDrain', () => {
  it('waits drainDelay, stops accepting, lets the HTTP request in flight finish with Connection: close, then resolves', async () => {
    const { server, port, release } = await slowServer();
    const drain = drainOf(server, 100);
    const response = fetch(`http://127.0.0.1:${port}/`);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the request is in the handler
    const started = Date.now();
    let ran = false;
    const run = drain.run(true).then((report) => ((ran = true), report));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(ran).toBe(false); // the request is still in flight
    expect(await refused(port)).toBe(true); // but the listener no longer accepts
    release();
    const answer = await response;
    expect(answer.headers.get('connection')).toBe('close');
    expect(await answer.text()).toBe('done');
    const report = await run;
    expect(report).toMatchObject({ inFlightAtStop: 1, cutOff: 0 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
  });

  it('waits for @RpcService handlers in flight, and hands over the microservice listeners after drainDelay', async () => {
    const drain = drainOf(undefined, 50);
    const stopped: number[] = [];
    const started = Date.now();
    drain.addListener(() => stopped.push(Date.now() - started));
    const call = {};
    drain.rpc.add(call);
    const run = drain.run(true);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(stopped).toHaveLength(1);
    expect(stopped[0]).toBeGreaterThanOrEqual(50);
    drain.rpc.delete(call);
    expect(await run).toMatchObject({ inFlightAtStop: 1, cutOff: 0 });
  });

  it('cuts off what is still running after shutdownTimeout, and says how much', async () => {
    const drain = drainOf(undefined, 0, 100);
    drain.rpc.add({});
    expect(await drain.run(true)).toMatchObject({ inFlightAtStop: 1, cutOff: 1 });
  });

  it('skips the propagation wait when the process registered nothing', async () => {
    const drain = drainOf(undefined, 5_000);
    const report = await drain.run(false);
    expect(report.tookMs).toBeLessThan(5_000);
  });
});
