import { spawnSync } from 'node:child_process';

/** Server binaries the suites start, with the command that installs each on Debian. */
export const BINARIES = {
  etcd: 'apt-get install -y --no-install-recommends etcd-server   (or: bash .ci/run, which installs it)',
  'redis-server': 'apt-get install -y --no-install-recommends redis-server   (or: bash .ci/run, which installs it)',
} as const;

/** Throws, naming the install command, when a binary is not on the PATH. Never skips. */
export function requireBinary(name: keyof typeof BINARIES): void {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  if (found.status !== 0) {
    throw new Error(`The test suites need the "${name}" binary, which is not on the PATH. Install it: ${BINARIES[name]}`);
  }
}
