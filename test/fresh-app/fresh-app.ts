import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { installSectionPackages, typescriptBlocks, type ReadmeBlock } from './readme-blocks.js';

const run = promisify(execFile);
const PACKAGE_DIR = resolve('dist/libs/registry');
const FIXTURE = resolve('test/fresh-app/fixture');
/** Imported by a README block but installed by the user for their own reasons (the README says so next to the block). */
const APP_CHOICES = ['@nestjs/config'];

/** The environment of a command run in the fresh app: none of the npm settings of the `npm test` that runs us. */
export function appEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  return { ...env, ...extra };
}

/** Runs `command` in `cwd`; rejects with its output when it fails. */
export async function sh(
  cwd: string,
  command: string,
  args: string[],
  options: { timeout?: number; env?: Record<string, string> } = {},
): Promise<string> {
  try {
    const { timeout = 180_000, env } = options;
    const { stdout, stderr } = await run(command, args, { cwd, env: appEnv(env), timeout, maxBuffer: 16 * 1024 * 1024 });
    return `${stdout}${stderr}`;
  } catch (error) {
    const failed = error as Error & { stdout?: string; stderr?: string };
    throw new Error(`\`${command} ${args.join(' ')}\` failed in ${cwd}:\n${failed.stdout ?? ''}${failed.stderr ?? failed.message}`, {
      cause: error,
    });
  }
}

/** `npm pack` of the built library into `dir`; the tarball's path. */
export async function packLibrary(dir: string): Promise<string> {
  if (!existsSync(join(PACKAGE_DIR, 'index.js'))) throw new Error('Run `npm run build` first (npm test does it in pretest).');
  const out = await sh(PACKAGE_DIR, 'npm', ['pack', '--silent', '--pack-destination', dir]);
  const name = out.trim().split('\n').pop() ?? '';
  if (!name.endsWith('.tgz')) throw new Error(`npm pack printed no tarball name:\n${out}`);
  return join(dir, name);
}

/**
 * Creates the app a new user would have: the NestJS 12 starter (fixture), `npm install`, then the
 * README's install lines with `nest-service-registry` taken from `tarball`.
 */
export async function installStarter(dir: string, tarball: string): Promise<void> {
  cpSync(FIXTURE, dir, { recursive: true });
  const quiet = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];
  await sh(dir, 'npm', ['install', ...quiet]);
  const packages = installSectionPackages(readFileSync('README.md', 'utf8')).map((p) => (p === 'nest-service-registry' ? tarball : p));
  await sh(dir, 'npm', ['install', ...quiet, ...packages, ...APP_CHOICES]);
}

/** Every TypeScript block of the README and of docs/*.md, each with the page it comes from. */
export function documentedBlocks(): Array<ReadmeBlock & { page: string }> {
  const pages = [
    'README.md',
    ...readdirSync('docs')
      .filter((f) => f.endsWith('.md'))
      .sort()
      .map((f) => `docs/${f}`),
  ];
  return pages.flatMap((page) => {
    const unnamed = page === 'README.md' ? 'src/readme/block' : `src/docs/${basename(page, '.md')}/block`;
    return typescriptBlocks(readFileSync(page, 'utf8'), unnamed).map((block) => ({ ...block, page }));
  });
}

/**
 * Pastes every TypeScript block of the README and of docs/ into the app's `src/`, pointing the
 * etcd endpoints of the examples (`http://etcd…:2379`) at `etcdUrl`; the files written.
 */
export function pasteReadme(dir: string, etcdUrl: string): string[] {
  const blocks = documentedBlocks();
  for (const block of blocks) {
    const file = join(dir, block.file);
    if (existsSync(file)) throw new Error(`${block.page} line ${block.line}: ${block.file} is written twice`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, block.code.replace(/http:\/\/etcd[\w-]*:2379/g, etcdUrl));
  }
  return blocks.map((b) => b.file);
}

/**
 * Builds the app as `nest build` does (tsc with the starter's tsconfig.build.json), then
 * type-checks everything with its tsconfig.json (specs included, which the build leaves out);
 * tsc's output on failure.
 */
export async function buildApp(dir: string): Promise<void> {
  await sh(dir, process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json']);
  await sh(dir, process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit']);
}
