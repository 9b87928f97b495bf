import { describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { EtcdKeepAlives, type KeepAliveStream } from './etcd-keep-alives.js';

/** A scripted keep-alive stream: records what is written, answers when told. */
class FakeStream extends EventEmitter {
  readonly written: string[] = [];
  ended = false;
  write(request: { ID?: string | number }): boolean {
    this.written.push(String(request.ID));
    return true;
  }
  end(): this {
    this.ended = true;
    return this;
  }
  answer(id: string, ttl: number): void {
    this.emit('data', { ID: id, TTL: String(ttl) });
  }
}

function keepAlives() {
  const opened: FakeStream[] = [];
  const alives = new EtcdKeepAlives(async () => {
    const stream = new FakeStream();
    opened.push(stream);
    return stream as unknown as KeepAliveStream;
  });
  return { alives, opened };
}

const written = async (stream: FakeStream | undefined, count: number) => {
  for (let i = 0; i < 50 && (stream?.written.length ?? 0) < count; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('EtcdKeepAlives', () => {
  it('renews every lease on one stream, matching each answer to its lease', async () => {
    const { alives, opened } = keepAlives();
    const a = alives.renew('1', 1_000, 'a');
    const b = alives.renew('2', 1_000, 'b');
    await written(opened[0], 2);
    opened[0]!.answer('2', 7);
    opened[0]!.answer('1', 3);
    await expect(Promise.all([a, b])).resolves.toEqual([3, 7]);
    const again = alives.renew('1', 1_000, 'a');
    await written(opened[0], 3);
    opened[0]!.answer('1', 0); // the lease is gone
    await expect(again).resolves.toBe(0);
    expect(opened).toHaveLength(1);
    expect(opened[0]!.written).toEqual(['1', '2', '1']);
  });

  it('fails the renewals waiting on a stream that errors, and opens a new one for the next', async () => {
    const { alives, opened } = keepAlives();
    const waiting = alives.renew('1', 1_000, 'a');
    await written(opened[0], 1);
    opened[0]!.emit('error', new Error('14 UNAVAILABLE'));
    await expect(waiting).rejects.toThrow('14 UNAVAILABLE');
    expect(opened[0]!.ended).toBe(true);
    const next = alives.renew('1', 1_000, 'a');
    await written(opened[1], 1);
    opened[1]!.answer('1', 5);
    await expect(next).resolves.toBe(5);
  });

  it('does not trust a stream again once a renewal on it timed out', async () => {
    const { alives, opened } = keepAlives();
    await expect(alives.renew('1', 20, 'etcd keep-alive of lease 1')).rejects.toThrow(/etcd keep-alive of lease 1/);
    expect(opened[0]!.ended).toBe(true);
    const next = alives.renew('1', 1_000, 'a');
    await written(opened[1], 1);
    opened[1]!.answer('1', 5);
    await expect(next).resolves.toBe(5);
  });

  it('fails a renewal whose stream cannot be opened, and the backend closing ends the stream', async () => {
    const failing = new EtcdKeepAlives(() => Promise.reject(new Error('no connection')));
    await expect(failing.renew('1', 1_000, 'a')).rejects.toThrow('no connection');
    const { alives, opened } = keepAlives();
    const waiting = alives.renew('1', 1_000, 'a');
    await written(opened[0], 1);
    alives.close();
    await expect(waiting).rejects.toThrow('closed');
    expect(opened[0]!.ended).toBe(true);
  });
});
