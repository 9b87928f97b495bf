import { describe, expect, it } from '@jest/globals';
import { createServer } from 'node:net';
import { failureKind, isIdempotent, originOf } from './http-retry.js';

describe('http-retry', () => {
  it('knows the idempotent methods', () => {
    expect([undefined, 'get', 'HEAD', 'put', 'DELETE', 'OPTIONS'].every(isIdempotent)).toBe(true);
    expect(['POST', 'patch', 'CONNECT'].some(isIdempotent)).toBe(false);
  });

  it('classifies what Node fetch really throws: refused = never delivered, reset = maybe delivered', async () => {
    // A port with nothing listening: connection refused.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    const refused = await fetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect(failureKind(refused)).toBe('never-delivered');
    // A server that accepts and then drops the connection: the request was sent.
    const dropper = createServer((socket) => socket.once('data', () => socket.destroy()));
    await new Promise<void>((resolve) => dropper.listen(0, '127.0.0.1', resolve));
    const reset = await fetch(`http://127.0.0.1:${(dropper.address() as { port: number }).port}/`).catch((e: unknown) => e);
    await new Promise((resolve) => dropper.close(resolve));
    expect(failureKind(reset)).toBe('maybe-delivered');
    expect(failureKind(new Error('anything else'))).toBe('maybe-delivered');
  });

  it('builds origins, with brackets for IPv6', () => {
    expect(originOf({ serviceHost: '10.0.0.7', servicePort: 8080 })).toBe('http://10.0.0.7:8080');
    expect(originOf({ serviceHost: '::1', servicePort: 80 }, 'https')).toBe('https://[::1]:80');
  });
});
