import { describe, expect, it } from 'vitest';
import { automaticBackend } from '../../runtime/gpujs/backend.ts';
import { createGpuJsExecutor } from '../../runtime/gpujs/executor.ts';
import { planOf, step } from './plan-helpers.ts';

const plan = planOf({ x: [1, 3] }, [
  step({ nodes: ['r'], op: 'relu', attrs: {}, inputs: ['x'], inputShapes: [[1, 3]], output: 'r', outputShape: [1, 3] }),
]);

describe('gpu.js executor: asking for a backend', () => {
  for (const mode of ['webgl2', 'webgl'] as const) {
    it(`'${mode}' in Node throws an error naming it, what would run instead and what to do`, async () => {
      const instead = automaticBackend();
      const err = await createGpuJsExecutor(plan, new Map(), mode).then(
        () => null,
        (e: Error) => e,
      );
      expect(err).toBeInstanceOf(Error);
      expect(err!.message).toContain(`'${mode}' is not available`);
      expect(err!.message).toContain(`would run '${instead}' instead`);
      expect(err!.message).toMatch(/browser/);
      expect(err!.message).toMatch(/'headlessgl', 'webasm' or 'cpu'/);
    });
  }

  it("'gpu' reports the backend gpu.js actually chose and computes with it", async () => {
    const exec = await createGpuJsExecutor(plan, new Map(), 'gpu');
    try {
      expect(exec.backend).toBe(automaticBackend());
      expect(['headlessgl', 'webasm', 'cpu']).toContain(exec.backend);
      const { y } = await exec.run({ x: { shape: [1, 3], data: Float32Array.from([-1, 0.5, 2]) } });
      expect(Array.from(y.data)).toEqual([0, 0.5, 2]);
    } finally {
      exec.destroy();
    }
  });

  it('a parameter missing from both the plan and the weights is a clear error', async () => {
    const p = planOf({ x: [1, 2] }, [
      step({
        nodes: ['fc'],
        op: 'linear',
        attrs: { in_features: 2, out_features: 1, bias: false },
        inputs: ['x'],
        inputShapes: [[1, 2]],
        params: { weight: 'fc.weight' },
        output: 'fc',
        outputShape: [1, 1],
      }),
    ]);
    await expect(createGpuJsExecutor(p, new Map(), 'cpu')).rejects.toThrow(
      /'fc.weight' is neither inline in the plan nor in the weights/,
    );
  });

  it('a destroyed executor refuses to run', async () => {
    const exec = await createGpuJsExecutor(plan, new Map(), 'cpu');
    exec.destroy();
    await expect(exec.run({ x: { shape: [1, 3], data: new Float32Array(3) } })).rejects.toThrow(/destroyed/);
  });
});
