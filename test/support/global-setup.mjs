// Runs once before every suite (plain JS: Jest loads global setup outside its module mapper).
// A missing server binary fails the whole run with the command that installs it; never a skip.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const REQUIRED = {
  etcd: 'apt-get install -y --no-install-recommends etcd-server   (or run: bash .ci/run, which installs it)',
  'redis-server': 'apt-get install -y --no-install-recommends redis-server   (or run: bash .ci/run, which installs it)',
};

const ZOOKEEPER_JAR = '/usr/share/java/zookeeper.jar';

export default function globalSetup() {
  if (!existsSync(ZOOKEEPER_JAR) || spawnSync('sh', ['-c', 'command -v java']).status !== 0) {
    throw new Error(
      `The test suites need ZooKeeper (${ZOOKEEPER_JAR}) and java. Install them: apt-get install -y --no-install-recommends zookeeper   (or run: bash .ci/run)`,
    );
  }
  for (const [binary, install] of Object.entries(REQUIRED)) {
    if (spawnSync('sh', ['-c', `command -v ${binary}`]).status !== 0) {
      throw new Error(`The test suites need the "${binary}" binary, which is not on the PATH. Install it: ${install}`);
    }
  }
}
