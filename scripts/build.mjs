#!/usr/bin/env node
// Builds the monorepo the way a user consumes it:
//  1. each library (libs/*) is compiled by tsc into dist/libs/<name>, with its package.json,
//     and linked into node_modules under its package name;
//  2. the apps are compiled against those installed packages into dist/apps/<app>/main.js.
// Usage: node scripts/build.mjs [--lib]   (--lib: only the nest-service-registry package)
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const libOnly = process.argv.includes('--lib');

const libs = [
  { dir: 'libs/registry', out: 'dist/libs/registry', name: 'nest-service-registry', extra: ['README.md', 'LICENSE'] },
  ...(libOnly ? [] : [{ dir: 'libs/demo-config', out: 'dist/libs/demo-config', name: '@app/demo-config', extra: [] }]),
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
  for (const file of lib.extra) if (existsSync(join(root, file))) cpSync(join(root, file), join(root, lib.out, file));
  link(lib.name, lib.out);
}
for (const app of apps) {
  rmSync(join(root, 'dist', app), { recursive: true, force: true });
  compile(`${app}/tsconfig.app.json`);
}
