import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LEDGER_ENV, reapLedger, spawnTracked } from '../../scripts/lib/pid-ledger.mjs';

// The ledger with real child processes (`sleep`), as the global teardown uses it.
const dirs: string[] = [];
const saved = process.env[LEDGER_ENV];

function ledger(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-spec-'));
  dirs.push(dir);
  process.env[LEDGER_ENV] = dir;
  return dir;
}

function sleeper() {
  const child = spawnTracked('sleep', ['30'], { stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  return { child, exited };
}

afterEach(() => {
  if (saved === undefined) delete process.env[LEDGER_ENV];
  else process.env[LEDGER_ENV] = saved;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the process ledger', () => {
  it('lists a child while it runs and strikes it out when it exits', async () => {
    const dir = ledger();
    const { child, exited } = sleeper();
    expect(readdirSync(dir)).toEqual([String(child.pid)]);
    expect(JSON.parse(readFileSync(join(dir, String(child.pid)), 'utf8'))).toMatchObject({ command: 'sleep 30' });
    child.kill('SIGTERM');
    await exited;
    expect(readdirSync(dir)).toEqual([]);
  });

  it('reaps what is still listed, as a teardown after a dead worker does', async () => {
    const dir = ledger();
    const { child, exited } = sleeper();
    expect(reapLedger(dir)).toEqual([`${child.pid} sleep 30`]);
    expect(await exited).toBe('SIGKILL');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('leaves alone a listed PID whose start time no longer matches (the kernel gave it to another process)', async () => {
    const dir = ledger();
    const { child, exited } = sleeper();
    writeFileSync(join(dir, String(child.pid)), JSON.stringify({ start: '1', command: 'sleep 30' }));
    expect(reapLedger(dir)).toEqual([]);
    expect(child.exitCode).toBeNull();
    child.kill('SIGKILL');
    await exited;
  });

  it('finds nothing to reap where no ledger was ever written', () => {
    expect(reapLedger(join(tmpdir(), 'no-such-ledger-folder'))).toEqual([]);
  });
});
