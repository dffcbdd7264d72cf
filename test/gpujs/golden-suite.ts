import { afterAll, describe, expect, it } from 'vitest';
import { createGpuJsExecutor, type GpuJsExecutor, type GpuJsMode } from '../../runtime/gpujs/executor.ts';
import { expectClose, listGoldenCases, loadGoldenCase } from '../golden.ts';
import { goldenPlan } from '../golden-plan.ts';

/** Every golden `layer` and `model` case through the gpu.js executor in one mode, within the case's tolerance. */
export function goldenSuite(mode: GpuJsMode): void {
  const cases = listGoldenCases(['layer', 'model']).map(loadGoldenCase);

  describe(`gpu.js ${mode}: golden layer and model cases`, () => {
    const open: GpuJsExecutor[] = [];
    afterAll(() => open.forEach((e) => e.destroy()));

    it('finds the golden cases', () => {
      expect(cases.filter((c) => c.kind === 'layer').length).toBeGreaterThanOrEqual(30);
      expect(cases.filter((c) => c.kind === 'model').length).toBeGreaterThanOrEqual(5);
    });

    for (const c of cases) {
      it(`${c.kind} ${c.id}`, async () => {
        const g = goldenPlan(c);
        expect(g.shapes.get(c.layers[c.layers.length - 1].name)).toEqual(c.outputShape);
        for (const [layer, shape] of Object.entries(c.intermediateShapes ?? {}))
          expect(g.shapes.get(layer), layer).toEqual(shape);
        const exec = await createGpuJsExecutor(g.plan, g.weights, mode);
        open.push(exec);
        expect(exec.backend).toBe(mode);
        const y = (await exec.run(g.feeds))[g.outputName];
        expectClose(y, c.output!, c.tolerance!, c.id);
        expect(exec.backend).toBe(mode);
        exec.destroy();
      });
    }
  });
}
