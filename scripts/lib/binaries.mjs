// @ts-check
// The one check for "is this installed?": what each server or tool the project starts needs, and
// the Debian package that provides it. Tests fail (never skip) naming the install command; the
// demo and the bench install the package when they run as root on a machine with apt-get.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** @typedef {{ readonly what: string; readonly present: () => boolean; readonly packages: readonly string[] }} Requirement */

const onPath = (/** @type {string} */ command) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

/** @type {Record<string, Requirement>} */
export const REQUIREMENTS = {
  etcd: { what: 'the etcd server', present: () => onPath('etcd'), packages: ['etcd-server'] },
  etcdctl: { what: 'etcdctl', present: () => onPath('etcdctl'), packages: ['etcd-client'] },
  redis: { what: 'redis-server', present: () => onPath('redis-server'), packages: ['redis-server'] },
  zookeeper: {
    what: 'ZooKeeper (Debian jar) and java',
    present: () => existsSync('/usr/share/java/zookeeper.jar') && onPath('java'),
    packages: ['zookeeper'],
  },
  python3: { what: 'python3 (the checker tests probe its http.server)', present: () => onPath('python3'), packages: ['python3'] },
  grpcio: {
    what: "Debian's Python gRPC (python3-grpcio, for /usr/bin/python3: the xDS tests' Python client)",
    present: () => spawnSync('/usr/bin/python3', ['-c', 'import grpc']).status === 0,
    packages: ['python3-grpcio'],
  },
  openssl: { what: 'openssl', present: () => onPath('openssl'), packages: ['openssl'] },
  chromium: { what: 'Chromium', present: () => existsSync('/usr/bin/chromium'), packages: ['chromium'] },
  curator: {
    what: 'Apache Curator service discovery (Java) and javac',
    present: () => existsSync('/usr/share/java/curator-x-discovery.jar') && onPath('javac'),
    packages: ['libcurator-discovery-java', 'openjdk-17-jdk-headless'],
  },
};

/** The Debian packages missing for `names`. */
export function missingPackages(/** @type {readonly string[]} */ names) {
  return [...new Set(names.flatMap((name) => (REQUIREMENTS[name]?.present() ? [] : (REQUIREMENTS[name]?.packages ?? [name]))))];
}

/** Throws, naming the install command, when something in `names` is missing. Never skips. */
export function requireInstalled(/** @type {readonly string[]} */ ...names) {
  const missing = missingPackages(names);
  if (missing.length === 0) return;
  const what = names.filter((name) => !REQUIREMENTS[name]?.present()).map((name) => REQUIREMENTS[name]?.what ?? name);
  throw new Error(
    `This needs ${what.join(', ')}, which is not installed. Install it: ` +
      `sudo apt-get install -y --no-install-recommends ${missing.join(' ')}   (or run: bash .ci/run, which installs it)`,
  );
}

/** Installs what `names` lack from Debian's packages when running as root with apt-get; otherwise throws how to. */
export function ensureInstalled(
  /** @type {readonly string[]} */ names,
  log = (/** @type {string} */ line) => process.stdout.write(`${line}\n`),
) {
  const missing = missingPackages(names);
  if (missing.length === 0) return;
  if (process.getuid?.() === 0 && onPath('apt-get')) {
    log(`Installing ${missing.join(' ')} from Debian's packages (apt-get)...`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
  }
  requireInstalled(...names);
}
