/**
 * Two threads give bit-identical results to one (every chunk of work is computed the same way
 * whichever thread claims it), the helper thread really takes part, and a destroyed executor
 * refuses to run.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.ts';
import { createWasmExecutor } from '../../runtime/wasm/executor.ts';
import { initialWeights } from '../../runtime/weights.ts';
import { prng, randomTensor } from '../cpu-codegen/single-step.ts';

const SOURCE = `
model Net {
  input x: [2, 8, 33, 29]
  conv1: Conv2d(8, 16, 3, padding=1)
  relu1: ReLU()
  pool: MaxPool2d(2)
  dw: Conv2d(16, 16, 3, padding=1, groups=16)
  pw: Conv2d(16, 24, 1)
  stem: Conv2d(24, 8, 5, stride=2, padding=2)
  flat: Flatten()
  fc: Linear(448, 10)
  output fc
}`;

describe('wasm backend threads', () => {
  it('two threads match one thread exactly, and the helper thread runs chunks', async () => {
    const compiled = compile(SOURCE, { file: 'net.cnn' });
    expect(compiled.ok, compiled.diagnostics.map((d) => d.message).join('\n')).toBe(true);
    const plan = compiled.plan!;
    const weights = initialWeights(plan, 3);
    const x = randomTensor([2, 8, 33, 29], prng(5));
    const one = await createWasmExecutor(plan, weights, { threads: 1 });
    const two = await createWasmExecutor(plan, weights, { threads: 2, minSplitCost: 0, split: 'always' });
    try {
      const want = one.run({ x }).fc.data;
      // on a busy machine the helper may be slow to wake, or the pool may back off for a while:
      // run until it has taken part (for at most 10 s)
      const until = Date.now() + 10_000;
      while (two.workerChunks === 0 && Date.now() < until)
        expect(Array.from(two.run({ x }).fc.data)).toEqual(Array.from(want));
      expect(two.workerChunks).toBeGreaterThan(0);
      for (let i = 0; i < 5; i++) expect(Array.from(two.run({ x }).fc.data)).toEqual(Array.from(want));
      expect(one.workerChunks).toBe(0);
    } finally {
      one.destroy();
      two.destroy();
    }
    expect(() => two.run({ x })).toThrow(/destroyed/);
  }, 20_000);
});

describe('wasm backend failures', () => {
  it('a trap in a kernel, on either thread, surfaces as an error from run()', async () => {
    const { oneStepPlan } = await import('../cpu-codegen/single-step.ts');
    const { Func } = await import('../../compiler/5-codegen/wasm/encoder.ts');
    const { plan, weights } = oneStepPlan({
      op: 'relu',
      attrs: {},
      inputShapes: [[1, 4, 8, 8]],
      outputShape: [1, 4, 8, 8],
    });
    // a kernel whose every unit traps (wasm `unreachable`)
    const trapping = {
      describe: 'traps',
      scratch: { shared: 0, perThread: 0 },
      overread: 0,
      packs: [],
      emit: (ctx: import('../../compiler/5-codegen/wasm/kernel.ts').EmitContext) => {
        const f = new Func(['i32', 'i32', 'i32'], []);
        f.op(0x00);
        ctx.mod.addFunction(f, ctx.name('trap'));
        return [{ kind: 'wasm' as const, fn: ctx.name('trap'), units: 64, cost: 1e9 }];
      },
    };
    for (const threads of [1, 2]) {
      const ex = await createWasmExecutor(plan, weights, { threads, split: 'always', select: () => trapping });
      const x = { shape: [1, 4, 8, 8], data: new Float32Array(256) };
      try {
        for (let i = 0; i < 5; i++) expect(() => ex.run({ x0: x })).toThrow(/unreachable|worker/);
      } finally {
        ex.destroy();
      }
    }
  });
});
