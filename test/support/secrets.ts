import { expect } from '@jest/globals';

/** Fails when any of `secrets` appears anywhere in `outputs` (logs, health, status, events, file contents...), as JSON. */
export function expectNoSecrets(outputs: readonly unknown[], secrets: readonly string[]): void {
  const text = JSON.stringify(outputs);
  for (const secret of secrets) expect(text).not.toContain(secret);
}
