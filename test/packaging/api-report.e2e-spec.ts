import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { apiReport, renderReport } from '../../scripts/lib/api-report.mjs';

// Issue 25: the public surface is reviewed. Every entry point's exports, read from the sources by
// the TypeScript checker, must match docs/api-report.md; no export may be tagged @internal.
describe('API report', () => {
  const { lines, internal } = apiReport();

  it('matches docs/api-report.md (after a reviewed change: node scripts/api-report.mjs --write)', () => {
    expect(renderReport(lines)).toBe(readFileSync('docs/api-report.md', 'utf8'));
  });

  it('reaches no @internal name from an entry point', () => {
    expect(internal).toEqual([]);
  });

  it('keeps the core entry point to what an app writes (at most 40 names)', () => {
    expect(lines.filter((line) => line.startsWith('. ')).length).toBeLessThanOrEqual(40);
  });
});
