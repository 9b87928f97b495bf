import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { createServiceInstance, type ServiceInstance } from '../model/index.js';
import { TcpConnectionPool, type PooledConnection } from './tcp-connection-pool.js';

// The pool's lifecycle with fake connections that count their calls in flight.
class FakeConnection implements PooledConnection {
  ready = false;
  closed = 0;
  inFlight = 0;
  private idle: (() => void) | undefined;
  constructor(readonly instance: ServiceInstance) {}
  connect(): Promise<unknown> {
    this.ready = true;
    return Promise.resolve();
  }
  close(): void {
    this.closed++;
  }
  whenIdle(then: () => void): void {
    if (this.inFlight === 0) then();
    else this.idle = then;
  }
  answer(): void {
    if (--this.inFlight === 0) this.idle?.();
  }
}

const [a, b] = [1, 2].map((port) => createServiceInstance({ serviceName: 'svc', serviceHost: 'h', servicePort: port })) as [
  ServiceInstance,
  ServiceInstance,
];
let pool: TcpConnectionPool<FakeConnection>;

beforeEach(() => {
  jest.useFakeTimers();
  pool = new TcpConnectionPool({ connectTimeout: 1_000, drainTimeout: 10_000 }, (instance) => new FakeConnection(instance));
});
afterEach(() => {
  pool.close();
  jest.useRealTimers();
});

describe('TcpConnectionPool', () => {
  it('closes an idle connection of an instance that left the registry at once', async () => {
    const gone = await pool.connect(a);
    await pool.connect(b);
    pool.retain([b]);
    expect(gone.closed).toBe(1);
    expect(pool.addresses()).toEqual(['h:2']);
    expect(pool.draining).toBe(0);
  });

  it('keeps a departed instance’s connection open until its calls in flight have answered, and never hands it out again', async () => {
    const gone = await pool.connect(a);
    gone.inFlight = 2;
    pool.retain([]);
    expect(pool.ready(a)).toBeUndefined();
    expect(pool.addresses()).toEqual([]);
    expect(gone.closed).toBe(0);
    gone.answer();
    expect(gone.closed).toBe(0);
    gone.answer();
    expect(gone.closed).toBe(1);
    expect(pool.draining).toBe(0);
  });

  it('closes it after drainTimeout when a call never answers, once', async () => {
    const gone = await pool.connect(a);
    gone.inFlight = 1;
    pool.retain([]);
    jest.advanceTimersByTime(9_999);
    expect(gone.closed).toBe(0);
    jest.advanceTimersByTime(1);
    expect(gone.closed).toBe(1);
    gone.answer(); // a late answer does not close it twice
    expect(gone.closed).toBe(1);
  });

  it('opens a new connection when the instance comes back while the old one drains', async () => {
    const old = await pool.connect(a);
    old.inFlight = 1;
    pool.retain([]);
    const fresh = await pool.connect(a);
    expect(fresh).not.toBe(old);
    expect(pool.addresses()).toEqual(['h:1']);
    old.answer();
    expect([old.closed, fresh.closed]).toEqual([1, 0]);
  });

  it('drops a failed instance’s connection at once, calls in flight or not', async () => {
    const failed = await pool.connect(a);
    failed.inFlight = 1;
    pool.drop(a);
    expect(failed.closed).toBe(1);
  });

  it('closes draining connections too when the pool closes', async () => {
    const gone = await pool.connect(a);
    gone.inFlight = 1;
    pool.retain([]);
    pool.close();
    expect(gone.closed).toBe(1);
    expect(pool.draining).toBe(0);
  });
});
