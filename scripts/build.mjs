#!/usr/bin/env node
// Builds the monorepo the way a user consumes it:
//  1. each library (libs/*) is compiled by tsc into dist/libs/<name>, with its package.json,
//     and linked into node_modules under its package name; the published one also ships its
//     TypeScript sources in src/ (specs left out), with every source map pointing there, so stack
//     traces under `--enable-source-maps` name files that exist in the installed package;
//  2. the apps are compiled against those installed packages into dist/apps/<app>/main.js.
// Usage: node scripts/build.mjs [--lib]   (--lib: only the nest-service-registry package)
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const libOnly = process.argv.includes('--lib');

const libs = [
  { dir: 'libs/registry', out: 'dist/libs/registry', name: 'nest-service-registry', extra: ['README.md', 'LICENSE'], sources: true },
  ...(libOnly
    ? []
    : [{ dir: 'libs/demo-config', out: 'dist/libs/demo-config', name: '@app/demo-config', extra: ['libs/demo-config/src/users.proto'] }]),
];
const apps = libOnly ? [] : ['apps/provider', 'apps/consumer'];

function compile(project) {
  const started = Date.now();
  execFileSync(process.execPath, [tsc, '-p', join(root, project)], { stdio: 'inherit', cwd: root });
  console.log(`built ${project} (${Date.now() - started} ms)`);
}

function link(name, target) {
  const path = join(root, 'node_modules', name);
  mkdirSync(dirname(path), { recursive: true });
  if (existsSync(path) || isLink(path)) {
    if (isLink(path)) unlinkSync(path);
    else rmSync(path, { recursive: true, force: true });
  }
  symlinkSync(relative(dirname(path), join(root, target)), path, 'dir');
}

/** Copies `<lib>/src` (no specs) to `<out>/src` and points every `.js.map` of `<out>` at that copy. */
function shipSources(lib) {
  const from = join(root, lib.dir, 'src');
  const to = join(root, lib.out, 'src');
  cpSync(from, to, { recursive: true, filter: (path) => !path.endsWith('.spec.ts') });
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && path !== to) visit(path);
      else if (entry.name.endsWith('.js.map')) {
        const map = JSON.parse(readFileSync(path, 'utf8'));
        map.sources = map.sources.map((source) =>
          relative(dirname(path), join(to, relative(from, resolve(dirname(path), map.sourceRoot ?? '', source)))),
        );
        map.sourceRoot = '';
        writeFileSync(path, JSON.stringify(map));
      }
    }
  };
  visit(join(root, lib.out));
}

function isLink(path) {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

for (const lib of libs) {
  rmSync(join(root, lib.out), { recursive: true, force: true });
  compile(`${lib.dir}/tsconfig.lib.json`);
  cpSync(join(root, lib.dir, 'package.json'), join(root, lib.out, 'package.json'));
  // Extra files land at the top of the output (README.md, LICENSE, the demo's users.proto).
  for (const file of lib.extra) if (existsSync(join(root, file))) cpSync(join(root, file), join(root, lib.out, basename(file)));
  if (lib.sources) shipSources(lib);
  link(lib.name, lib.out);
}
for (const app of apps) {
  rmSync(join(root, 'dist', app), { recursive: true, force: true });
  compile(`${app}/tsconfig.app.json`);
}
