import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { HttpAdapterHost } from '@nestjs/core';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { ResolvedRegistryOptions } from '../interfaces/registry-module-options.interface.js';
import { ShutdownDrain } from './shutdown-drain.js';
import { eventually } from '../testing/eventually.js';

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

/** A server whose requests wait for `release()`; `entered` resolves once a request is in the handler. */
async function slowServer() {
  let release!: () => void;
  let enter!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const entered = new Promise<void>((resolve) => (enter = resolve));
  const server = createServer((_request, response) => {
    enter();
    void released.then(() => response.end('done'));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, release, entered };
}

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(true));
  });

describe('ShutdownDrain', () => {
  it('serves during drainDelay, then stops accepting, and lets the HTTP request in flight finish with Connection: close', async () => {
    const { server, port, release, entered } = await slowServer();
    const drain = drainOf(server, 1_000);
    const response = fetch(`http://127.0.0.1:${port}/`);
    await entered;
    let ran = false;
    const run = drain.run(true).then((report) => ((ran = true), report));
    expect(await refused(port)).toBe(false); // still accepting during drainDelay
    await eventually(async () => expect(await refused(port)).toBe(true), { timeout: 10_000 }); // then not
    expect(ran).toBe(false); // the request is still in flight
    release();
    const answer = await response;
    expect(answer.headers.get('connection')).toBe('close');
    expect(await answer.text()).toBe('done');
    expect(await run).toMatchObject({ inFlightAtStop: 1, cutOff: 0 });
  });

  it('hands over the microservice listeners after drainDelay, not before, and waits for @RpcService handlers in flight', async () => {
    jest.useFakeTimers();
    try {
      const drain = drainOf(undefined, 50);
      let stopped = 0;
      drain.addListener(() => stopped++);
      const call = {};
      drain.rpc.add(call);
      let ran = false;
      const run = drain.run(true).then((report) => ((ran = true), report));
      await jest.advanceTimersByTimeAsync(49);
      expect(stopped).toBe(0);
      await jest.advanceTimersByTimeAsync(1);
      expect(stopped).toBe(1);
      await jest.advanceTimersByTimeAsync(1_000);
      expect(ran).toBe(false);
      drain.rpc.delete(call);
      expect(await run).toMatchObject({ inFlightAtStop: 1, cutOff: 0 });
    } finally {
      jest.useRealTimers();
    }
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
