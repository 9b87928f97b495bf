// Prints the API report (every export of every entry point); with --write, saves it to
// docs/api-report.md after a reviewed change. See scripts/lib/api-report.mjs.
import { writeFileSync } from 'node:fs';
import { apiReport, renderReport } from './lib/api-report.mjs';

const { lines, internal } = apiReport();
const text = renderReport(lines);
if (process.argv.includes('--write')) writeFileSync('docs/api-report.md', text);
else process.stdout.write(text);
if (internal.length > 0) {
  console.error(`@internal names reachable from an entry point:\n  ${internal.join('\n  ')}`);
  process.exitCode = 1;
}
