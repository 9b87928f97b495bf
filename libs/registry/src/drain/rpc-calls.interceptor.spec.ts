import { describe, expect, it } from '@jest/globals';
import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { lastValueFrom, Subject } from 'rxjs';
import type { ResolvedRegistryOptions } from '../interfaces/registry-module-options.interface.js';
import { RpcCallsInFlight } from './rpc-calls.interceptor.js';
import { ShutdownDrain } from './shutdown-drain.js';

const context = (type: string) => ({ getType: () => type }) as unknown as ExecutionContext;

describe('RpcCallsInFlight', () => {
  it('counts an rpc handler from its call until its answer completes', async () => {
    const drain = new ShutdownDrain({ drainDelay: 0, shutdownTimeout: 1_000 } as ResolvedRegistryOptions);
    const answer = new Subject<number>();
    const handled = lastValueFrom(new RpcCallsInFlight(drain).intercept(context('rpc'), { handle: () => answer } as CallHandler));
    expect(drain.rpc.size).toBe(1);
    answer.next(7);
    expect(drain.rpc.size).toBe(1);
    answer.complete();
    expect(await handled).toBe(7);
    expect(drain.rpc.size).toBe(0);
  });

  it('also stops counting a handler that fails', async () => {
    const drain = new ShutdownDrain({ drainDelay: 0, shutdownTimeout: 1_000 } as ResolvedRegistryOptions);
    const answer = new Subject<number>();
    const handled = lastValueFrom(new RpcCallsInFlight(drain).intercept(context('rpc'), { handle: () => answer } as CallHandler));
    answer.error(new Error('boom'));
    await expect(handled).rejects.toThrow('boom');
    expect(drain.rpc.size).toBe(0);
  });

  it('leaves HTTP requests to the server count, and does nothing without the registry', () => {
    const drain = new ShutdownDrain({ drainDelay: 0, shutdownTimeout: 1_000 } as ResolvedRegistryOptions);
    const answer = new Subject<number>();
    new RpcCallsInFlight(drain).intercept(context('http'), { handle: () => answer } as CallHandler).subscribe();
    expect(drain.rpc.size).toBe(0);
    expect(new RpcCallsInFlight(undefined).intercept(context('rpc'), { handle: () => answer } as CallHandler)).toBe(answer);
  });
});
