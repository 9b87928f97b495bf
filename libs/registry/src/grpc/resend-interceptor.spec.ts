import { describe, expect, it } from '@jest/globals';
import * as grpc from '@grpc/grpc-js';
import { resendInterceptor, serviceOfPath, type ResendPolicy } from './resend-interceptor.js';

/** A call below the interceptor: records what it was sent; the test plays the server. */
class FakeCall {
  listener!: grpc.InterceptingListener;
  metadata!: grpc.Metadata;
  readonly sent: unknown[] = [];
  halfClosed = false;
  cancelled?: string;
  start(metadata: grpc.Metadata, listener: grpc.InterceptingListener) {
    [this.metadata, this.listener] = [metadata, listener];
  }
  sendMessageWithContext(_context: object, message: unknown) {
    this.sent.push(message);
  }
  sendMessage(message: unknown) {
    this.sent.push(message);
  }
  halfClose() {
    this.halfClosed = true;
  }
  startRead() {}
  cancelWithStatus(_code: grpc.status, details: string) {
    this.cancelled = details;
  }
  getPeer() {
    return 'fake';
  }
  getAuthContext() {
    return null;
  }
  /** Answers: headers (unless `headers` is false), a message, then `code`. */
  answer(code: grpc.status, { headers = true, message = { servedBy: 'x' } }: { headers?: boolean; message?: unknown } = {}) {
    if (headers) this.listener.onReceiveMetadata(new grpc.Metadata());
    this.listener.onReceiveMessage(message);
    this.listener.onReceiveStatus({ code, details: grpc.status[code], metadata: new grpc.Metadata() });
  }
}

const policy: ResendPolicy = { services: new Set(['users.UserService']), codes: new Set([grpc.status.UNAVAILABLE]), maxAttempts: 3 };

/** Starts a unary call of `path` through the interceptor; returns the calls below it and what the caller got. */
function unary(path = '/users.UserService/Get', { requestStream = false } = {}) {
  const calls: FakeCall[] = [];
  const next = () => calls[calls.push(new FakeCall()) - 1] as unknown as ReturnType<grpc.NextCall>;
  const method = { path, requestStream, responseStream: false, requestSerialize: () => Buffer.alloc(0), responseDeserialize: () => ({}) };
  const call = resendInterceptor(grpc, policy)({ method_definition: method }, next);
  const got: string[] = [];
  const metadata = new grpc.Metadata();
  metadata.set('x-id', '7');
  call.start(metadata, {
    onReceiveMetadata: () => got.push('headers'),
    onReceiveMessage: (message: { servedBy?: string } | null) => got.push(`message ${message?.servedBy}`),
    onReceiveStatus: (status: grpc.StatusObject) => got.push(`status ${grpc.status[status.code]}`),
  });
  call.sendMessage({ id: '7' });
  call.halfClose();
  return { calls, got, call };
}

describe('resendInterceptor', () => {
  it('reads the service of a method path', () => {
    expect(serviceOfPath('/users.UserService/Get')).toBe('users.UserService');
    expect(serviceOfPath('/a.b.C/D')).toBe('a.b.C');
  });

  it('sends a call that lost its instance after the headers again, and the caller sees the last attempt only', () => {
    const { calls, got } = unary();
    calls[0]!.answer(grpc.status.UNAVAILABLE);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.sent).toEqual([{ id: '7' }]);
    expect(calls[1]!.halfClosed).toBe(true);
    expect(calls[1]!.metadata.get('x-id')).toEqual(['7']);
    expect(got).toEqual([]);
    calls[1]!.answer(grpc.status.OK);
    expect(got).toEqual(['headers', 'message x', 'status OK']);
  });

  it('stops at maxAttempts calls and gives the caller the last failure', () => {
    const { calls, got } = unary();
    for (let i = 0; i < 3; i++) calls[i]!.answer(grpc.status.UNAVAILABLE);
    expect(calls).toHaveLength(3);
    expect(got).toEqual(['headers', 'message x', 'status UNAVAILABLE']);
  });

  it.each([
    ['no headers arrived (gRPC retry policy has had its turn)', grpc.status.UNAVAILABLE, false],
    ['the status is not retryable', grpc.status.INTERNAL, true],
  ])('does not send again when %s', (_case, code, headers) => {
    const { calls, got } = unary();
    calls[0]!.answer(code, { headers });
    expect(calls).toHaveLength(1);
    expect(got.at(-1)).toBe(`status ${grpc.status[code]}`);
  });

  it('passes other services and streaming calls through', () => {
    for (const { calls, got } of [unary('/other.Service/Get'), unary('/users.UserService/Get', { requestStream: true })]) {
      calls[0]!.answer(grpc.status.UNAVAILABLE);
      expect(calls).toHaveLength(1);
      expect(got).toEqual(['headers', 'message x', 'status UNAVAILABLE']);
    }
  });

  it('cancels the call sent again, and sends no further one, when the caller cancels', () => {
    const { calls, got, call } = unary();
    calls[0]!.answer(grpc.status.UNAVAILABLE);
    call.cancelWithStatus(grpc.status.CANCELLED, 'Cancelled on client');
    expect(calls[1]!.cancelled).toBe('Cancelled on client');
    calls[1]!.answer(grpc.status.UNAVAILABLE);
    expect(calls).toHaveLength(2);
    expect(got.at(-1)).toBe('status UNAVAILABLE');
  });
});
