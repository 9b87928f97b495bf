import { expect } from '@jest/globals';
import { spawnTracked } from '../../scripts/lib/pid-ledger.mjs';
import { existsSync } from 'node:fs';
import { filter, firstValueFrom } from 'rxjs';
import type { DiscoveryClient } from 'nest-service-registry';
import { eventually } from 'nest-service-registry/testing';

/**
 * Starts the built demo provider (`dist/apps/provider/main.js`) as a child process with `env`,
 * waits until `discovery` sees it, SIGKILLs it, and resolves with the milliseconds until
 * `discovery` emitted its removal. The child is always killed and reaped.
 */
export async function crashToGone(discovery: DiscoveryClient, env: Record<string, string>): Promise<number> {
  if (!existsSync('dist/apps/provider/main.js') || !existsSync('node_modules/nest-service-registry/index.js')) {
    throw new Error('The demo provider is not built: run `npm run build` (npm test does it in pretest).');
  }
  await discovery.getInstances('user-service');
  const child = spawnTracked(process.execPath, ['dist/apps/provider/main.js'], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    await eventually(() => expect(discovery.getInstancesSync('user-service')).toHaveLength(1), { timeout: 15_000 }).catch(
      (error: Error) => {
        throw new Error(`${error.message}\nprovider output:\n${output}`);
      },
    );
    const removed = firstValueFrom(discovery.events$.pipe(filter((e) => e.type === 'removed')));
    const killedAt = Date.now();
    child.kill('SIGKILL');
    await removed;
    return Date.now() - killedAt;
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}
