import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

// Issue 25: docs/architecture.md names every library file, one row each, and no file that is gone.
const ROOT = 'libs/registry/src';

function libraryFiles(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return libraryFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [relative(ROOT, path)] : [];
  });
}

describe('docs/architecture.md', () => {
  const rows = [...readFileSync('docs/architecture.md', 'utf8').matchAll(/^\| `([^`]+)` +\|/gm)].map((m) => m[1]);

  it('has one row for every library file, and none for a file that does not exist', () => {
    const files = libraryFiles().sort();
    expect({ missing: files.filter((f) => !rows.includes(f)), gone: rows.filter((r) => !files.includes(r!)) }).toEqual({
      missing: [],
      gone: [],
    });
    expect(new Set(rows).size).toBe(rows.length);
  });
});
