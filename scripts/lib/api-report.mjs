// The API report: every export of every entry point of the package, read from the TypeScript
// sources with the compiler's own checker, as one sorted line per name. test/packaging/api-report
// compares it with docs/api-report.md; `node scripts/api-report.mjs --write` rewrites that file
// after a reviewed change.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/** The package's entry points (`.`, `./etcd`...) and the source file each one maps to. */
export function entryPoints(root = process.cwd()) {
  const manifest = JSON.parse(readFileSync(join(root, 'libs/registry/package.json'), 'utf8'));
  return Object.entries(manifest.exports)
    .filter(([subpath]) => subpath !== './package.json')
    .map(([subpath, target]) => ({
      subpath,
      source: join(root, 'libs/registry/src', target.types.replace(/^\.\//, '').replace(/\.d\.ts$/, '.ts')),
    }));
}

function kindOf(declaration) {
  if (ts.isClassDeclaration(declaration)) return 'class';
  if (ts.isFunctionDeclaration(declaration)) return 'function';
  if (ts.isInterfaceDeclaration(declaration)) return 'interface';
  if (ts.isTypeAliasDeclaration(declaration)) return 'type';
  if (ts.isEnumDeclaration(declaration)) return 'enum';
  if (ts.isVariableDeclaration(declaration)) return 'const';
  return ts.SyntaxKind[declaration.kind];
}

/**
 * `{ lines, internal }`: one `subpath name (kind)` line per export, sorted; and the exports whose
 * declaration is tagged `@internal` (none may be reachable from an entry point).
 */
export function apiReport(root = process.cwd()) {
  const entries = entryPoints(root);
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, 'tsconfig.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  );
  const program = ts.createProgram(
    entries.map((e) => e.source),
    config.options,
  );
  const checker = program.getTypeChecker();
  const lines = [];
  const internal = [];
  for (const { subpath, source } of entries) {
    const file = program.getSourceFile(source);
    if (!file) throw new Error(`${source} (entry point ${subpath}) is not in the program`);
    for (const exported of checker.getExportsOfModule(checker.getSymbolAtLocation(file))) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declaration = symbol.declarations?.[0];
      const kind = declaration ? kindOf(declaration) : 'unknown';
      lines.push(`${subpath} ${exported.name} (${kind})`);
      if (symbol.getJsDocTags(checker).some((tag) => tag.name === 'internal')) internal.push(`${subpath} ${exported.name}`);
    }
  }
  return { lines: lines.sort(), internal: internal.sort() };
}

/** The report as docs/api-report.md holds it. */
export function renderReport(lines) {
  const counts = new Map();
  for (const line of lines) counts.set(line.split(' ')[0], (counts.get(line.split(' ')[0]) ?? 0) + 1);
  const summary = [...counts].map(([subpath, n]) => `| \`${subpath}\` | ${n} |`).join('\n');
  return [
    '# API report',
    '',
    'Every export of every entry point of `nest-service-registry`, generated from the sources by',
    '`node scripts/api-report.mjs --write`. `test/packaging/api-report.e2e-spec.ts` fails when the',
    'exports change and this file was not regenerated: review the change, then regenerate it.',
    '',
    '| entry point | exports |',
    '| --- | --- |',
    summary,
    '',
    '```text',
    ...lines,
    '```',
    '',
  ].join('\n');
}
