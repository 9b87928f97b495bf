import { describe, expect, it, jest } from '@jest/globals';
import zookeeper, { type Client } from 'node-zookeeper-client';
import { guardParser } from './zk-client.js';

describe('guardParser (node-zookeeper-client parse errors must not crash the process)', () => {
  it('turns a throw in the socket data handler into a dropped socket and a cleared buffer', () => {
    const destroy = jest.fn();
    const manager = {
      pendingBuffer: Buffer.from('partial') as Buffer | null,
      socket: { destroy },
      onSocketData(): void {
        throw new Error('Unknown code: 1412694017');
      },
    };
    guardParser({ connectionManager: manager } as unknown as Client);
    expect(() => manager.onSocketData()).not.toThrow();
    expect(destroy).toHaveBeenCalledTimes(1);
    expect(manager.pendingBuffer).toBeNull();
  });

  it('applies to the installed client version (its internal handler is found and wrapped)', () => {
    const client = zookeeper.createClient('127.0.0.1:1', { retries: 0 });
    const manager = (client as unknown as { connectionManager: { onSocketData: { name: string } } }).connectionManager;
    expect(typeof manager.onSocketData).toBe('function');
    guardParser(client);
    expect(manager.onSocketData.name).toBe('guarded'); // never connected: nothing to close
  });
});

describe('ZkClient.close', () => {
  it('does not throw for a client that never reached a server', async () => {
    const { ZkClient } = await import('./zk-client.js');
    const client = new ZkClient('127.0.0.1:1', 2_000, 100, 500);
    expect(() => client.close()).not.toThrow();
    expect(client.lost).toBe(true);
  });
});
