import { describe, expect, it } from '@jest/globals';
import { RegistryError } from './errors/registry.error.js';
import { errorText } from './registry.messages.js';

describe('errorText', () => {
  it('is the message of an error, or the text of anything else', () => {
    expect(errorText(new Error('boom'))).toBe('boom');
    expect(errorText(new TypeError(''))).toBe('TypeError');
    expect(errorText(42)).toBe('42');
  });

  it("bounds and escapes foreign text, but keeps the library's own messages whole", () => {
    const long = 'x'.repeat(300);
    expect(errorText(new Error(long))).toBe(`"${'x'.repeat(200)}…" (300 characters)`);
    expect(errorText(new Error('line\nforged'))).toBe('"line\\nforged"');
    expect(errorText(new RegistryError(long, 'ACCESS_DENIED'))).toBe(long);
  });

  it("drops grpc-js's empty resolution note", () => {
    const grpc = new Error(
      '14 UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:2379. Resolution note: ',
    );
    expect(errorText(grpc)).toBe('14 UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:2379');
  });
});
