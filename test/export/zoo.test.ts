/**
 * The torchvision zoo through `cnnc export --format onnx`: each family of examples/torchvision/*.cnn
 * that checks is exported with torchvision's own state_dict (written by PyTorch, test/zoo/oracle.ts)
 * and run in onnxruntime-node on a batch of 2 and on its first sample alone, each within 1e-3 of the
 * output's largest magnitude of PyTorch's output. Families whose .cnn uses ops still being
 * registered are listed in PENDING with the reason; their test asserts that they still fail to
 * check, so one that starts checking fails here until it is moved out (nothing is left out silently).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check } from '../../compiler/index.ts';
import { tempDir } from '../temp-dir.ts';
import { generateZoo, readZooNpy, type ZooCase, type ZooFamily, ZOO_FAMILIES } from '../zoo/oracle.ts';
import { relativeError, TOLERANCE, ZOO_CNN, zooSource } from '../zoo/zoo-suite.ts';
import { batchRows, exportCli, ortRun, ortSession } from './ort.ts';

/** Families whose .cnn does not check in this build, and why: none since every op of the zoo is registered. */
const PENDING: Partial<Record<ZooFamily, string>> = {};

const SIZE = 64;
/** inception_v3's stem and reductions need 75x75 at least (families.py raises the size the same way) */
const sizeOf = (family: ZooFamily) => (family === 'inception_v3' ? 75 : SIZE);

function checkMessages(family: ZooFamily): string[] {
  const s = sizeOf(family);
  return check(zooSource(family), { file: `${family}.cnn`, inputShapes: { x: [1, 3, s, s] } }).diagnostics.map(
    (d) => d.message,
  );
}

const ready = ZOO_FAMILIES.filter((f) => !PENDING[f]);
const rows: string[] = [];
let cases: Map<ZooFamily, ZooCase>;
const root = tempDir('export-zoo');

beforeAll(() => {
  const t = performance.now();
  cases = generateZoo(ready, { size: SIZE, batch: 2, formats: ['safetensors'] });
  rows.push(`(PyTorch wrote ${ready.length} families in ${((performance.now() - t) / 1000).toFixed(1)} s)`);
}, 900_000);
afterAll(() => console.log(`torchvision zoo exported to ONNX, run in onnxruntime-node:\n${rows.join('\n')}`));

describe('the torchvision zoo in ONNX Runtime', () => {
  for (const family of ZOO_FAMILIES) {
    const reason = PENDING[family];
    if (reason) {
      it.fails(`${family} is pending (${reason}): it does not check yet`, () => {
        expect(checkMessages(family)).toEqual([]);
      });
      continue;
    }
    it(`${family}: exported with a dynamic batch, ONNX Runtime gives PyTorch's output at batch 2 and 1`, async () => {
      expect(checkMessages(family)).toEqual([]);
      const c = cases.get(family)!;
      const x = readZooNpy(c.input);
      const want = readZooNpy(c.output);
      const out = join(root, `${family}.onnx`);
      const t0 = performance.now();
      const [, , h, w] = x.shape;
      const line = await exportCli(join(ZOO_CNN, `${family}.cnn`), out, [
        '--weights',
        c.safetensors!,
        '--shape',
        `x=1,3,${h},${w}`,
      ]);
      expect(line).toContain('dynamic input x: N');
      const t1 = performance.now();
      const session = await ortSession(out);
      try {
        const t2 = performance.now();
        const two = [...(await ortRun(session, { x })).values()][0];
        const t3 = performance.now();
        expect(two.shape).toEqual(want.shape);
        const err2 = relativeError(two.data, want.data);
        const one = [...(await ortRun(session, { x: batchRows(x, 0, 1) })).values()][0];
        const err1 = relativeError(one.data, batchRows(want, 0, 1).data);
        rows.push(
          `${family.padEnd(20)} batch 2: ${err2.toExponential(2)}, batch 1: ${err1.toExponential(2)} of max|y| ${c.meta.output_max_abs.toFixed(2)}; ` +
            `${(readFileSync(out).length / 2 ** 20).toFixed(1)} MiB, export ${(t1 - t0).toFixed(0)} ms, ORT load ${(t2 - t1).toFixed(0)} ms, run ${(t3 - t2).toFixed(0)} ms`,
        );
        expect(err2).toBeLessThanOrEqual(TOLERANCE);
        expect(err1).toBeLessThanOrEqual(TOLERANCE);
      } finally {
        await session.release();
      }
    }, 300_000);
  }
});
