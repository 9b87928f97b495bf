// @ts-check
// `npm ci`, failing when it warns that a package does not support this Node (EBADENGINE) or that
// something is deprecated (npm's "deprecated" warnings, Node's DEP codes). .ci/run runs it on every
// Node major the README lists as supported, so a dependency that drops one of them is caught.
import { spawnSync } from 'node:child_process';

const BAD = [/EBADENGINE/, /npm warn deprecated/i, /DeprecationWarning|\[DEP\d+\]/];

const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const output = `${npm.stdout}${npm.stderr}`;
process.stdout.write(output);
const warnings = output.split('\n').filter((line) => BAD.some((pattern) => pattern.test(line)));
if (npm.status !== 0) {
  console.error(`npm ci failed (exit ${npm.status}) on Node ${process.version}.`);
  process.exit(1);
}
if (warnings.length > 0) {
  console.error(
    `npm ci on Node ${process.version} warned about engines or deprecations (${warnings.length} lines):\n${warnings.join('\n')}`,
  );
  console.error(
    'Choose dependency versions that support every Node major in package.json "engines", or make the piece that cannot optional.',
  );
  process.exit(1);
}
console.log(`npm ci on Node ${process.version}: no EBADENGINE or deprecation warning.`);
