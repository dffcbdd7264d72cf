/**
 * Names are user text: node ids, buffer ids, param keys, input/output names and the model name full of
 * quotes, backticks, template holes, comment closers and line terminators must neither break nor inject
 * into the generated program, and the numbers must still be right.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCpuExecutor } from '../../runtime/cpu/run-plan.ts';
import { expectClose, loadGoldenCase } from '../golden.ts';
import { goldenPlan } from '../golden-plan.ts';

const evil = (name: string) => `${name}"'\`\${process.exit(1)}*/ /* \n\r\u2028\u2029\\"); process.exit(2); //${name}`;

describe('hostile names', () => {
  afterEach(() => vi.restoreAllMocks());

  for (const [id, fuse] of [
    ['model_resnet_basic_block', true],
    ['model_inception_small', false],
    ['model_two_input_add', true],
  ] as const) {
    it(`${id}${fuse ? ' (fused)' : ''} compiles and computes the right numbers`, () => {
      const exit = vi.spyOn(process, 'exit').mockImplementation(() => {
        throw new Error('generated code called process.exit');
      });
      const c = loadGoldenCase(id);
      let n = 0;
      const g = goldenPlan(c, { fuse, rename: evil, inline: () => n++ % 2 === 1 });
      // every kind of name really is hostile
      expect(g.plan.model).toContain('${process.exit(1)}');
      expect(g.plan.steps[0].nodes[0]).toContain('\u2028');
      expect(g.plan.params[0].key).toContain('*/');
      expect(g.plan.inputs[0].buffer).toContain('`');

      const exec = createCpuExecutor(g.plan, g.weights);
      const out = exec.run(g.feeds);
      expect(Object.keys(out)).toEqual([g.outputName]);
      expectClose(out[g.outputName], c.output!, c.tolerance!, id);
      expect(exit).not.toHaveBeenCalled();
      // the names' line terminators never reach the text raw (escaped in strings, dropped in comments)
      expect(exec.source).not.toMatch(/[\r\u2028\u2029]/);
      expect(exec.source).toContain('\\u2028');
    });
  }

  it('an input or output literally named __proto__ is an ordinary key', () => {
    const c = loadGoldenCase('model_seed_rgb_conv3x3');
    // the input (name and buffer) through rename; the output's name alone, as its buffer is the conv's
    const g = goldenPlan(c, { rename: (s) => (s === 'x' ? '__proto__' : s) });
    const plan = { ...g.plan, outputs: g.plan.outputs.map((v) => ({ ...v, name: '__proto__' })) };
    expect(plan.inputs).toEqual([{ name: '__proto__', buffer: '__proto__', shape: [1, 3, 8, 8] }]);
    const out = createCpuExecutor(plan, g.weights).run(Object.fromEntries([['__proto__', c.input.x]]));
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    // biome-ignore lint/suspicious/noProto: an output named __proto__ must be an ordinary key
    expectClose(out.__proto__, c.output!, c.tolerance!);
  });
});
