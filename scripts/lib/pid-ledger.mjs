// @ts-check
// The test suite's ledger of the processes it starts. While REGISTRY_TEST_PIDS names a folder,
// every child spawned through spawnTracked() is written down there (PID, start time, command)
// until it exits. reapLedger() then stops whatever is still listed: a jest worker that died (OOM,
// SIGKILL) never ran its afterAll, but its servers and providers are in the ledger. Only
// processes that were written down are killed, and only while their start time still matches,
// so a PID the kernel has since given to another process is left alone.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The environment variable that names the ledger's folder (inherited by every child). */
export const LEDGER_ENV = 'REGISTRY_TEST_PIDS';

/** The process's start time in clock ticks since boot (field 22 of /proc/PID/stat), or undefined once it is gone. */
function startTime(/** @type {number} */ pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/**
 * Writes `child` into the ledger (when REGISTRY_TEST_PIDS is set) and strikes it out when it exits.
 * @template {import('node:child_process').ChildProcess} T
 * @param {T} child
 * @returns {T}
 */
export function track(child) {
  const dir = process.env[LEDGER_ENV];
  const pid = child.pid;
  if (!dir || pid === undefined) return child;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, String(pid));
  writeFileSync(file, JSON.stringify({ start: startTime(pid), command: child.spawnargs.join(' ').slice(0, 300) }));
  child.once('exit', () => rmSync(file, { force: true }));
  return child;
}

/**
 * `child_process.spawn`, with the child written into the ledger.
 * @type {typeof spawn}
 */
export const spawnTracked = /** @type {typeof spawn} */ (
  (/** @type {Parameters<typeof spawn>} */ ...args) =>
    track(/** @type {(...a: unknown[]) => import('node:child_process').ChildProcess} */ (spawn)(...args))
);

/**
 * SIGKILLs every process the ledger at `dir` still lists whose start time matches, and empties
 * the ledger. Resolves the commands it killed.
 * @param {string} dir
 * @returns {string[]}
 */
export function reapLedger(dir) {
  /** @type {string[]} */
  const killed = [];
  /** @type {string[]} */
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return killed; // no ledger: nothing was started
  }
  for (const name of entries) {
    const file = join(dir, name);
    const pid = Number(name);
    try {
      const { start, command } = JSON.parse(readFileSync(file, 'utf8'));
      if (Number.isInteger(pid) && start !== undefined && startTime(pid) === start) {
        process.kill(pid, 'SIGKILL');
        killed.push(`${pid} ${command}`);
      }
    } catch {
      // a file being written or removed right now, or a process that just exited: nothing to do
    }
    rmSync(file, { force: true });
  }
  return killed;
}
