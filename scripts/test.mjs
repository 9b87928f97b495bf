// @ts-check
// `npm test`'s runner (after pretest's typecheck, lint and build): Jest in two phases, so that the
// heavy suites never share this machine's 2 cores with each other.
//   1. unit, e2e, conformance and packaging suites, two at a time (Jest's 2 workers);
//   2. faults, deploy, fresh-app, interop, browser and the bench smoke run, one at a time (--runInBand).
// Every test file belongs to exactly one group (checked first, so a new folder is never left out).
// It names one ledger for every process the tests start, reaps it at the end (scripts/lib/pid-ledger.mjs),
// prints the timing bounds the tests measured against (test/support/bounds.ts) and closes with
// one line: "tests: N passed, N failed".
//
//   node scripts/test.mjs                          every group
//   node scripts/test.mjs --only unit,e2e          some groups (.ci/run does this on the middle Node major)
//   node scripts/test.mjs test/e2e/grpc            any other arguments: one plain Jest run with them
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LEDGER_ENV, reapLedger } from './lib/pid-ledger.mjs';
import { DEFAULT_LEDGER, reportReaped } from '../test/support/process-ledger.mjs';
import { TIMINGS_ENV, summariseTimings } from '../test/support/timings.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const escape = (/** @type {string} */ text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const under = (/** @type {string[]} */ ...paths) => paths.map((path) => `^${escape(join(root, path))}`);

/** The groups, each a list of path patterns, and whether it runs in phase 2 (alone). */
const GROUPS = {
  unit: {
    serial: false,
    patterns: under(
      'libs/',
      'test/support/',
      'test/compose.spec.ts',
      'test/architecture-doc.spec.ts',
      'test/fresh-app/readme-blocks.spec.ts',
    ),
  },
  e2e: { serial: false, patterns: under('test/e2e/', 'test/backends/', 'test/security/') },
  conformance: { serial: false, patterns: under('test/conformance/') },
  packaging: { serial: false, patterns: under('test/packaging/') },
  faults: { serial: true, patterns: under('test/faults/') },
  deploy: { serial: true, patterns: under('test/deploy/') },
  'fresh-app': { serial: true, patterns: under('test/fresh-app/fresh-app.e2e-spec.ts') },
  interop: { serial: true, patterns: under('test/interop/') },
  browser: { serial: true, patterns: under('test/browser/') },
  bench: { serial: true, patterns: under('test/bench-smoke.e2e-spec.ts') },
};
/** @typedef {keyof typeof GROUPS} Group */

const JEST = ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', join(root, 'node_modules/jest/bin/jest.js')];
const scratch = mkdtempSync(join(tmpdir(), 'registry-test-'));
const env = { ...process.env, [LEDGER_ENV]: process.env[LEDGER_ENV] ?? DEFAULT_LEDGER, [TIMINGS_ENV]: join(scratch, 'timings.jsonl') };
const jest = (/** @type {string[]} */ args) => spawnSync(process.execPath, [...JEST, ...args], { cwd: root, env, stdio: 'inherit' }).status;

/** Fails when a test file matches no group or two: every file runs, and once. */
function checkGroups() {
  const listed = spawnSync(process.execPath, [...JEST, '--listTests', '--json'], { cwd: root, env, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`jest --listTests failed:\n${listed.stderr}`);
  /** @type {string[]} */
  const files = JSON.parse(listed.stdout);
  for (const file of files) {
    const groups = Object.entries(GROUPS).filter(([, g]) => g.patterns.some((p) => new RegExp(p).test(file)));
    if (groups.length !== 1) {
      throw new Error(
        `${file} belongs to ${groups.length} test groups of scripts/test.mjs (${groups.map(([n]) => n).join(', ')}): it must be in exactly one.`,
      );
    }
  }
}

/** Runs one phase; resolves its counts from Jest's JSON report. */
function phase(/** @type {Group[]} */ groups, /** @type {boolean} */ serial) {
  const report = join(scratch, `${serial ? 'serial' : 'parallel'}.json`);
  const patterns = groups.flatMap((g) => GROUPS[g].patterns);
  console.log(`\n=== ${serial ? 'one suite at a time' : 'two suites at a time'}: ${groups.join(', ')}\n`);
  const status = jest([...(serial ? ['--runInBand'] : ['--maxWorkers=2']), '--json', `--outputFile=${report}`, ...patterns]);
  try {
    const { numPassedTests, numFailedTests, numPendingTests, numRuntimeErrorTestSuites } = JSON.parse(readFileSync(report, 'utf8'));
    return { status, passed: numPassedTests, failed: numFailedTests + numRuntimeErrorTestSuites, skipped: numPendingTests };
  } catch {
    return { status: status || 1, passed: 0, failed: 1, skipped: 0 }; // Jest died before writing its report
  }
}

function main() {
  const args = process.argv.slice(2);
  if (args.length > 0 && args[0] !== '--only') return jest(['--maxWorkers=2', ...args]) ?? 1;
  const names = args[0] === '--only' ? (args[1] ?? '').split(',') : Object.keys(GROUPS);
  const unknown = names.filter((n) => !(n in GROUPS));
  if (unknown.length > 0) throw new Error(`Unknown test group(s) ${unknown.join(', ')}: use ${Object.keys(GROUPS).join(', ')}.`);
  checkGroups();
  const chosen = /** @type {Group[]} */ (names);
  const results = [false, true]
    .map((serial) => chosen.filter((g) => GROUPS[g].serial === serial))
    .filter((groups) => groups.length > 0)
    .map((groups) => phase(groups, GROUPS[groups[0]].serial));
  const total = results.reduce((a, r) => ({ passed: a.passed + r.passed, failed: a.failed + r.failed, skipped: a.skipped + r.skipped }), {
    passed: 0,
    failed: 0,
    skipped: 0,
  });
  for (const line of summariseTimings(env[TIMINGS_ENV])) console.log(line);
  console.log(`tests: ${total.passed} passed, ${total.failed} failed${total.skipped > 0 ? `, ${total.skipped} skipped` : ''}`);
  return results.every((r) => r.status === 0) && total.failed === 0 ? 0 : 1;
}

let code = 1;
try {
  code = main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
} finally {
  reportReaped('the test run', reapLedger(env[LEDGER_ENV]));
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(code);
