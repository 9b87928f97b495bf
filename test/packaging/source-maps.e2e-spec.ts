import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const PACKAGE = 'node_modules/nest-service-registry';

function mapsUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return mapsUnder(path);
    return entry.name.endsWith('.js.map') ? [path] : [];
  });
}

describe('source maps of the built package', () => {
  it('point only at sources shipped inside the package (and no spec is shipped)', () => {
    if (!existsSync(join(PACKAGE, 'index.js.map'))) throw new Error('Run `npm run build` first (npm test does it in pretest).');
    const root = realpathSync(PACKAGE);
    const maps = mapsUnder(root);
    expect(maps.length).toBeGreaterThan(50);
    const missing = maps.flatMap((map) => {
      const { sources } = JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] };
      return sources.map((source) => resolve(dirname(map), source)).filter((path) => !path.startsWith(`${root}/`) || !existsSync(path));
    });
    expect(missing).toEqual([]);
    expect(
      mapsUnder(join(root, 'src')).length +
        readdirSync(join(root, 'src'), { recursive: true }).filter((f) => String(f).endsWith('.spec.ts')).length,
    ).toBe(0);
  });

  it('give stack traces under --enable-source-maps that name existing .ts files of the package', () => {
    const script = `import('nest-service-registry').then((m) => m.createDiscoveryClient({ backend: m.memory(), ttl: -1 })).catch((e) => console.log(e.stack));`;
    const result = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    const frames = [...result.stdout.matchAll(/\((\/[^):]+\.ts):\d+:\d+\)/g)].map((m) => m[1]!);
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.filter((file) => !existsSync(file))).toEqual([]);
    expect(frames.some((file) => file.includes('/dist/libs/registry/src/options/resolve-options.ts'))).toBe(true);
  });
});
