// Runs once before every suite (plain JS: Jest loads global setup outside its module mapper).
// A missing server binary fails the whole run with the command that installs it; never a skip.
import { spawnSync } from 'node:child_process';

const REQUIRED = {
  etcd: 'apt-get install -y --no-install-recommends etcd-server   (or run: bash .ci/run, which installs it)',
  'redis-server': 'apt-get install -y --no-install-recommends redis-server   (or run: bash .ci/run, which installs it)',
};

export default function globalSetup() {
  for (const [binary, install] of Object.entries(REQUIRED)) {
    if (spawnSync('sh', ['-c', `command -v ${binary}`]).status !== 0) {
      throw new Error(`The test suites need the "${binary}" binary, which is not on the PATH. Install it: ${install}`);
    }
  }
}
