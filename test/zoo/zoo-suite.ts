/**
 * The torchvision zoo against PyTorch: each family's `.cnn` (examples/torchvision/) binds the
 * torchvision model's own state_dict, written by PyTorch both ways (safetensors in the layout of
 * safetensors.torch.save_file, and torch.save), with no key renamed, and gives PyTorch's output for
 * a batch of 2 within 1e-3 of the output's largest magnitude on each backend asked for. Its summary
 * at the weights' crop size gives torchvision's published parameter count and GFLOPS.
 * Each test file runs a share of the families, so the two workers split the time.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check } from '../../compiler/index.ts';
import { summarize } from '../../compiler/report/summary.ts';
import { readCheckpoint } from '../../runtime/io/checkpoint.ts';
import { compileModel } from '../../runtime/session.ts';
import { generateZoo, readZooNpy, type ZooCase, type ZooFamily, ZOO_DIR } from './oracle.ts';

export const ZOO_CNN = fileURLToPath(new URL('../../examples/torchvision/', import.meta.url));

/** |got - want| <= TOLERANCE * max|want|, element by element (the 1e-3 of the largest magnitude). */
export const TOLERANCE = 1e-3;

interface Published {
  readonly families: Readonly<Record<string, { num_params: number; gflops: number; crop_size: number }>>;
}

const published = JSON.parse(readFileSync(join(ZOO_DIR, 'published.json'), 'utf8')) as Published;
/** inception_v3's published count includes its AuxLogits head (3,326,696 parameters), which aux_logits=False leaves out */
const AUX_PARAMS: Partial<Record<ZooFamily, number>> = { inception_v3: 3326696 };

export interface ZooRow {
  readonly family: string;
  readonly check: string;
  readonly result: string;
}

export function zooSource(family: ZooFamily): string {
  return readFileSync(join(ZOO_CNN, `${family}.cnn`), 'utf8');
}

/** The largest |got - want| relative to max |want|. */
export function relativeError(got: Float32Array, want: Float32Array): number {
  let maxWant = 0;
  let maxDiff = 0;
  for (let i = 0; i < want.length; i++) {
    maxWant = Math.max(maxWant, Math.abs(want[i]));
    maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
  }
  return maxDiff / maxWant;
}

/**
 * Runs the families' checks on `backends`, and on `extra[family]` too (gpu.js's headless WebGL is
 * slow to compile a whole model's shaders, so it runs a few); `rows` collects the printed table.
 */
export function zooSuite(
  families: readonly ZooFamily[],
  backends: readonly string[],
  extra: Partial<Record<ZooFamily, readonly string[]>> = {},
  size = 64,
): void {
  const rows: ZooRow[] = [];
  let cases: Map<ZooFamily, ZooCase>;
  beforeAll(() => {
    const t = performance.now();
    cases = generateZoo(families, { size, batch: 2, formats: ['safetensors', 'pth'] });
    rows.push({
      family: '(all)',
      check: `PyTorch wrote ${families.length} families`,
      result: `${((performance.now() - t) / 1000).toFixed(1)} s`,
    });
  }, 600_000);
  afterAll(() => {
    const width = Math.max(...rows.map((r) => r.family.length));
    const lines = rows.map((r) => `${r.family.padEnd(width)}  ${r.check.padEnd(40)}  ${r.result}`);
    console.log(`torchvision zoo (batch 2, ${size}x${size}):\n${lines.join('\n')}`);
  });

  for (const family of families) {
    describe(family, () => {
      it('checks, and its summary gives the published parameter count and GFLOPS', () => {
        const pub = published.families[family];
        const crop = pub.crop_size;
        const result = check(zooSource(family), { file: `${family}.cnn`, inputShapes: { x: [1, 3, crop, crop] } });
        expect(result.diagnostics.map((d) => d.message)).toEqual([]);
        const summary = summarize(result.graphs[0]);
        expect(summary.totalParams).toBe(cases.get(family)!.meta.num_params);
        expect(summary.totalParams + (AUX_PARAMS[family] ?? 0)).toBe(pub.num_params);
        expect(Math.round((summary.totalMacs ?? 0) / 1e6) / 1e3).toBe(pub.gflops);
        rows.push({
          family,
          check: `summary at ${crop}x${crop}`,
          result: `${summary.totalParams} params, ${(summary.totalMacs! / 1e9).toFixed(3)} GFLOPS`,
        });
      });

      it('binds the torch.save checkpoint to the same tensors as the safetensors one, key for key', () => {
        const c = cases.get(family)!;
        const st = readCheckpoint(readFileSync(c.safetensors!), c.safetensors!);
        const pth = readCheckpoint(readFileSync(c.pth!), c.pth!);
        expect(pth.format).toBe('torch-zip');
        expect([...pth.tensors.keys()].sort()).toEqual([...st.tensors.keys()].sort());
        expect([...st.tensors.keys()].sort()).toEqual(c.meta.state_dict.map((e) => e.key).sort());
        for (const [key, t] of st.tensors) {
          const other = pth.tensors.get(key)!;
          expect({ key, dtype: other.dtype, shape: other.shape }).toEqual({ key, dtype: t.dtype, shape: t.shape });
          expect(Buffer.compare(Buffer.from(other.bytes), Buffer.from(t.bytes)), key).toBe(0);
        }
      });

      for (const backend of [...backends, ...(extra[family] ?? [])]) {
        for (const format of ['safetensors', 'pth'] as const) {
          // the two formats hold the same bytes (above); one backend runs both, the others one
          if (format === 'pth' && backend !== backends[0]) continue;
          it(`gives PyTorch's output on ${backend} with the ${format} checkpoint`, async () => {
            const c = cases.get(family)!;
            const x = readZooNpy(c.input);
            const want = readZooNpy(c.output);
            const weights = readFileSync(format === 'pth' ? c.pth! : c.safetensors!);
            const t0 = performance.now();
            const r = await compileModel(zooSource(family), {
              file: `${family}.cnn`,
              weights,
              backend,
              inputShapes: { x: x.shape },
            });
            if (!r.ok && backend.startsWith('gpujs') && r.diagnostics.some((d) => d.code === 'BackendLimit')) {
              // refused, not computed wrong: a tensor beyond what gpu.js indexes exactly (2^24 elements)
              const largest = Math.max(...c.meta.state_dict.map((e) => e.shape.reduce((a, b) => a * b, 1)));
              expect(largest).toBeGreaterThan(2 ** 24);
              rows.push({
                family,
                check: `${backend}, ${format}`,
                result: `refused (E0321): a tensor of ${largest} elements`,
              });
              return;
            }
            if (!r.ok) throw new Error(r.message);
            const t1 = performance.now();
            try {
              const out = Object.values(await r.model.run({ x }))[0];
              const t2 = performance.now();
              expect(out.shape).toEqual(want.shape);
              const err = relativeError(out.data, want.data);
              rows.push({
                family,
                check: `${backend}, ${format}`,
                result: `max error ${err.toExponential(2)} of max|y| ${c.meta.output_max_abs.toFixed(2)}; compile+bind ${(t1 - t0).toFixed(0)} ms, run ${(t2 - t1).toFixed(0)} ms`,
              });
              expect(err).toBeLessThanOrEqual(TOLERANCE);
            } finally {
              r.model.destroy();
            }
          });
        }
      }
    });
  }
}
