// The demo's permanent instance: an outside HTTP server (python3 -m http.server, not a Nest app)
// registered through the nest-registry CLI with an HTTP check; the consumer (CHECKER=1) checks it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureInstalled } from './binaries.mjs';
import { freePort } from './ports.mjs';
import { waitFor } from './demo-kit.mjs';

/**
 * Registers a python3 http.server permanently, shows the checker turning it UP, kills it, shows it
 * DOWN (and never chosen), then deregisters it.
 * @param {{ api: string, registryUrl: string, root: string, start: Function, say: (line?: string) => void }} demo
 */
export async function permanentInstance({ api, registryUrl, root, start, say }) {
  ensureInstalled(['python3']);
  const dir = mkdtempSync(join(tmpdir(), 'demo-legacy-'));
  writeFileSync(join(dir, 'health'), 'ok\n');
  const port = await freePort();
  const cli = (...args) =>
    execFileSync(process.execPath, [join(root, 'dist/libs/registry/cli.js'), '--registry', registryUrl, ...args], {
      cwd: root,
      encoding: 'utf8',
    }).trim();
  try {
    say('\n== A permanent instance: an outside HTTP server (python3 -m http.server) that cannot register itself');
    const legacy = await start(
      'legacy-http',
      'python3',
      ['-u', '-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', dir],
      {},
      /Serving HTTP/,
    );
    say(
      `   $ nest-registry register --permanent legacy-inventory 1.0 127.0.0.1 ${port} --check http:/health --interval 500 --failure-threshold 2`,
    );
    say(
      `   ${cli('register', '--permanent', 'legacy-inventory', '1.0', '127.0.0.1', String(port), '--check', 'http:/health', '--interval', '500', '--failure-threshold', '2')}`,
    );
    const statusOf = async () => {
      const list = await (await fetch(`${api}/registry/services/legacy-inventory?includeUnavailable=true`)).json();
      return list[0];
    };
    const up = await waitFor('the checker to mark legacy-inventory UP', async () =>
      (await statusOf())?.status === 'UP' ? await statusOf() : undefined,
    );
    say(`   the consumer's checker (CHECKER=1, leader-elected) marked it ${up.status}: ${up.check.last.detail}`);
    say(`   $ nest-registry ls legacy-inventory\n   ${cli('ls', 'legacy-inventory')}`);
    legacy.child.kill('SIGKILL');
    const killedAt = Date.now();
    const down = await waitFor('the checker to mark legacy-inventory DOWN', async () =>
      (await statusOf())?.status === 'DOWN' ? await statusOf() : undefined,
    );
    say(`   killed it: DOWN after ${Date.now() - killedAt} ms (${down.check.last.detail}); consumers no longer choose it`);
    say(
      `   $ nest-registry deregister legacy-inventory:1.0@127.0.0.1:${port}\n   ${cli('deregister', `legacy-inventory:1.0@127.0.0.1:${port}`)}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
