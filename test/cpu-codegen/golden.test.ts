/** Every golden `layer` and `model` case, run through generated CPU kernels, matches PyTorch. */
import { describe, expect, it } from 'vitest';
import { createCpuExecutor } from '../../runtime/cpu/run-plan.ts';
import { expectClose, listGoldenCases, loadGoldenCase } from '../golden.ts';
import { goldenPlan } from '../golden-plan.ts';

const ids = listGoldenCases(['layer', 'model']);

function check(id: string, fuse: boolean): void {
  const c = loadGoldenCase(id);
  // alternate inline values and the weights map so both binding paths run
  let n = 0;
  const g = goldenPlan(c, { fuse, inline: () => n++ % 2 === 0 });
  const exec = createCpuExecutor(g.plan, g.weights);
  const y = exec.run(g.feeds)[g.outputName];
  expect(y.shape).toEqual(c.outputShape);
  expectClose(y, c.output!, c.tolerance!, id);
}

describe('golden cases on the CPU backend', () => {
  it('finds the golden cases', () => {
    expect(ids.length).toBeGreaterThanOrEqual(40);
  });
  for (const id of ids) {
    it(`${id} (one step per layer)`, () => check(id, false));
  }
  for (const id of ids.filter((i) => i.startsWith('model_'))) {
    it(`${id} (residual adds and activations fused into epilogues)`, () => check(id, true));
    it(`${id}: intermediate shapes match PyTorch`, () => {
      const c = loadGoldenCase(id);
      const g = goldenPlan(c);
      for (const [layer, shape] of Object.entries(c.intermediateShapes ?? {}))
        expect(g.shapes.get(layer), layer).toEqual(shape);
    });
  }
  it('fusion really happened in the fused resnet block', () => {
    const g = goldenPlan(loadGoldenCase('model_resnet_basic_block'), { fuse: true });
    const fused = g.plan.steps.find((s) => s.epilogue.residual !== null);
    expect(fused?.nodes).toEqual(['bn2', 'add', 'relu2']);
    expect(fused?.epilogue.activation).toEqual({ kind: 'relu' });
    expect(g.plan.steps.map((s) => s.op)).toEqual(['conv2d', 'batchnorm2d', 'conv2d', 'batchnorm2d']);
  });
});
