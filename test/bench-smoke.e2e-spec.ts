import { describe, expect, it } from '@jest/globals';
import { spawnTracked } from '../scripts/lib/pid-ledger.mjs';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface BenchReport {
  smoke: boolean;
  machine: { cpus: number };
  results: Array<{ figure: string; ours: unknown; reference: unknown; goal: string; met: boolean }>;
}

// Keeps `npm run bench` from rotting: runs it with tiny sizes and checks that every figure was
// measured and reported. It asserts no timing (the figures of a smoke run mean nothing).
describe('bench smoke run', () => {
  it('measures and reports every figure', async () => {
    if (!existsSync('node_modules/nest-service-registry/index.js'))
      throw new Error('Run `npm run build` first (npm test does it in pretest).');
    const dir = mkdtempSync(join(tmpdir(), 'nsr-bench-'));
    const out = join(dir, 'smoke.json');
    try {
      const child = spawnTracked(process.execPath, ['--expose-gc', 'bench/run.mjs', '--smoke', '--out', out], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect({ code, tail: code === 0 ? '' : output.slice(-3000) }).toEqual({ code: 0, tail: '' });
      const report = JSON.parse(readFileSync(out, 'utf8')) as BenchReport;
      expect(report.smoke).toBe(true);
      expect(report.results.map((r) => r.figure.replace(/\d+ consumers|\d+ changes/g, 'N'))).toEqual([
        'choose (sync), M ops/s',
        'getInstancesSync, M ops/s',
        'choose (sync), zone + warmup + p2c, M ops/s',
        'registration → visible, ms',
        'listening → visible, ms',
        'graceful deregistration → gone, ms',
        'crash (SIGKILL) → gone, s',
        'etcd requests/min by N instances',
        'cold first read, ms (median)',
        'one change seen by N, ms',
        'range reads when N see N',
        'consumer heap per cached instance, KB',
        'RPC through the ClientProxy',
        'HTTP through RegistryHttpClient',
        'RPC through the ClientProxy, 3 instances',
        'failed calls while a provider is SIGKILLed',
        'gRPC through the registry resolver',
        'registry change → xDS client calls the new endpoint, ms',
        'orders per rolling deploy (HTTP + TCP)',
        'consumer of S=1 services, N=100',
        'consumer of S=10 services, N=100',
        'fleet of L=20 leases',
        'fan-out to C=N, ms',
      ]);
      for (const result of report.results) expect(result.ours).not.toBeUndefined();
      expect(output).toContain('| figure | ours | reference (same run) | goal | met |');
      // The cost curves drawn from that JSON: every chart, each with a line per side.
      const plots = join(dir, 'plots');
      const plot = spawnTracked(process.execPath, ['bench/plot.mjs', out, '--dir', plots], { stdio: 'ignore' });
      expect(await new Promise<number | null>((resolve) => plot.once('exit', resolve))).toBe(0);
      for (const chart of ['first-read', 'memory', 'cpu-per-change', 'fleet', 'fanout']) {
        const svg = readFileSync(join(plots, `scale-${chart}.svg`), 'utf8');
        expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
        expect(svg).toContain('<polyline points="');
        expect(svg).not.toContain('NaN');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
