/**
 * `npm run bench -- --quick` end to end on one tiny workload: every engine is listed, each one that can
 * run here passed the correctness check and has a positive median, and the JSON says so. Everything it
 * needs is in node_modules (the wasm binaries included): no network.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../bench/main.ts';
import type { BenchResult } from '../../bench/harness.ts';
import { allEngines } from '../../bench/engines/index.ts';
import { tempDir } from '../temp-dir.ts';

const TINY = `# conv + batchnorm + relu + pool + linear: every kind of layer the real workloads use
model Tiny {
  input x: [2, 3, 8, 8]
  conv: Conv2d(3, 4, 3, padding=1)
  bn: BatchNorm2d(4)
  relu: ReLU()
  pool: MaxPool2d(2)
  flat: Flatten()
  fc: Linear(64, 5)
  output fc
}
`;

describe('npm run bench -- --quick', () => {
  it('times every engine on a tiny workload after checking its output, and writes the JSON', async () => {
    const dir = tempDir('bench');
    const cnn = join(dir, 'tiny.cnn');
    const out = join(dir, 'latest.json');
    writeFileSync(cnn, TINY);
    const lines: string[] = [];
    let printed = '';
    const { code } = await main(['--quick', '--workload', cnn, '--out', out, '--no-compile-time', '--no-memory'], {
      log: (l) => lines.push(l),
      print: (t) => (printed += t),
    });
    expect(code, lines.join('\n')).toBe(0);
    expect(printed).toMatch(/Median time per run, ms/);
    expect(printed).toMatch(/F1 tiny\.cnn/);

    const json = JSON.parse(readFileSync(out, 'utf8')) as BenchResult;
    expect(json.settings.quick).toBe(true);
    const w = json.workloads.F1;
    expect(w.title).toBe('tiny.cnn');
    expect(w.macs).toBe(2 * (4 * 64 * 27 + 5 * 64));
    const names = allEngines().map((e) => e.name);
    expect(Object.keys(w.engines)).toEqual(names);
    for (const name of names) {
      const r = w.engines[name];
      if (r.status === 'skipped') {
        // only gpu.js's WebGL needs something this machine may lack (an X display)
        expect(name, r.reason).toBe('gpujs:headlessgl');
        expect(r.reason).toMatch(/display|xvfb/i);
        continue;
      }
      expect(r.status, `${name}: ${r.reason}`).toBe('ok');
      expect(r.medianMs).toBeGreaterThan(0);
      expect(r.reps).toBe(2);
      expect(r.maxAbsErr).toBeLessThan(1e-4);
    }
    for (const peer of ['ort-node', 'ort-node-1t', 'ort-web-wasm', 'tfjs-cpu', 'tfjs-wasm'])
      expect(w.engines[peer].status).toBe('ok');
    expect(w.engines.cpu.status).toBe('ok');
    expect(w.cnncBest).not.toBeNull();
    expect(w.speedup['ort-node']).toBeGreaterThan(0);
    expect(json.geomeanSpeedup['ort-node'].workloads).toBe(1);
  });

  it('rejects an unknown engine or workload with the valid names (exit 2)', async () => {
    const lines: string[] = [];
    const io = { log: (l: string) => lines.push(l), print: (t: string) => lines.push(t) };
    expect((await main(['--engines', 'tpu'], io)).code).toBe(2);
    expect(lines.join('\n')).toMatch(/unknown engine tpu: use cpu, .*ort-node/);
    expect((await main(['--only', 'W9'], io)).code).toBe(2);
    expect(lines.join('\n')).toMatch(/unknown workload W9: use W1, W2/);
  });
});
