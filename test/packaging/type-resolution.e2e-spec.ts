import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const PACKAGE = 'node_modules/nest-service-registry';

/** `import` lines for every entry point the built package exports (so a new one is covered too). */
function importsOfEveryEntryPoint(): string {
  const manifest = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
  const subpaths = Object.keys(manifest.exports).filter((k) => k !== './package.json');
  expect(subpaths.length).toBeGreaterThanOrEqual(7);
  return subpaths
    .map((k, i) => `import * as entry${i} from 'nest-service-registry${k.slice(1)}';\nexport const use${i} = Object.keys(entry${i});`)
    .join('\n');
}

/** Compiles `source` in a fresh project of the given kind against the built package; returns tsc's output, '' when clean. */
function compile(kind: { module: string; moduleResolution: string; esm: boolean }, source: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'nsr-types-'));
  try {
    symlinkSync(resolve('node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'types-check', private: true, ...(kind.esm ? { type: 'module' } : {}) }),
    );
    writeFileSync(join(dir, 'app.ts'), source);
    const compilerOptions = {
      strict: true,
      skipLibCheck: true, // as in the NestJS starter
      experimentalDecorators: true,
      target: 'es2022',
      module: kind.module,
      moduleResolution: kind.moduleResolution,
      noEmit: true,
      types: ['node'],
      ...(kind.moduleResolution === 'node10' ? { ignoreDeprecations: '6.0' } : {}),
    };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['app.ts'] }));
    const result = spawnSync(process.execPath, [resolve('node_modules/typescript/bin/tsc'), '-p', dir], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    return `${result.stdout}${result.stderr}`.trim() + (result.status === 0 ? '' : `\n(exit ${result.status})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('types of every entry point resolve under every moduleResolution a Nest app uses', () => {
  it.each([
    { name: 'node10, CommonJS (older Nest apps)', module: 'commonjs', moduleResolution: 'node10', esm: false },
    { name: 'node16, ESM', module: 'node16', moduleResolution: 'node16', esm: true },
    { name: 'nodenext, CommonJS (require of an ESM package)', module: 'nodenext', moduleResolution: 'nodenext', esm: false },
    { name: 'nodenext, ESM (the NestJS 12 starter)', module: 'nodenext', moduleResolution: 'nodenext', esm: true },
    { name: 'bundler', module: 'esnext', moduleResolution: 'bundler', esm: true },
  ])(
    '$name',
    (kind) => {
      if (!existsSync(join(PACKAGE, 'index.d.ts'))) throw new Error('Run `npm run build` first (npm test does it in pretest).');
      expect(compile(kind, importsOfEveryEntryPoint())).toBe('');
    },
    90_000,
  );
});
