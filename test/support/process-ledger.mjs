// Where the test suite's process ledger lives when `npm test` did not name one, and how a reap is reported.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** node_modules/.cache/…: ignored by git, and inside the checkout, so two checkouts never share it. */
export const DEFAULT_LEDGER = join(dirname(fileURLToPath(import.meta.url)), '../../node_modules/.cache/nest-service-registry/test-pids');

/** One line per process left running, on stderr: a leak that the reap stopped is still a bug to fix. */
export function reportReaped(/** @type {string} */ by, /** @type {string[]} */ killed) {
  for (const line of killed) process.stderr.write(`process ledger: SIGKILLed a process ${by} left running: ${line}\n`);
}
